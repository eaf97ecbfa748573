"""A helper called once midway through another function is read there as well as on its own
(parse/midway.py).  Fixture code is our own."""

from __future__ import annotations

from lineage.parse.units import parse_source
from tests.engine.test_engine_idioms import prints

WHOLE = '''
class Mixer:
    def forward(self, hidden, cos, sin, mask):
        batch, length, _ = hidden.shape
        query = self.q_proj(hidden).view(batch, length, -1, self.head_dim).transpose(1, 2)
        key = self.k_proj(hidden).view(batch, length, -1, self.head_dim).transpose(1, 2)
        value = self.v_proj(hidden).view(batch, length, -1, self.head_dim).transpose(1, 2)
        query = query * cos + turn(query) * sin
        key = key * cos + turn(key) * sin
        scores = query @ key.transpose(2, 3) * self.scaling
        scores = scores + mask
        probs = scores.softmax(dim=-1)
        out = (probs @ value).transpose(1, 2).reshape(batch, length, -1)
        return self.o_proj(out)
'''

CUT = '''
def _middle(query, key, cos, sin):
    query = query * cos + turn(query) * sin
    key = key * cos + turn(key) * sin
    return query, key


class Mixer:
    def forward(self, hidden, cos, sin, mask):
        batch, length, _ = hidden.shape
        query = self.q_proj(hidden).view(batch, length, -1, self.head_dim).transpose(1, 2)
        key = self.k_proj(hidden).view(batch, length, -1, self.head_dim).transpose(1, 2)
        value = self.v_proj(hidden).view(batch, length, -1, self.head_dim).transpose(1, 2)
        query, key = _middle(query, key, cos, sin)
        scores = query @ key.transpose(2, 3) * self.scaling
        scores = scores + mask
        probs = scores.softmax(dim=-1)
        out = (probs @ value).transpose(1, 2).reshape(batch, length, -1)
        return self.o_proj(out)
'''


def _unit(text: str, qualname: str) -> tuple[str, ...]:
    return next(u for u in parse_source("m.py", text.encode()).units if u.qualname == qualname).texts


def test_a_function_cut_in_the_middle_reads_as_written_whole() -> None:
    assert _unit(CUT, "Mixer.forward") == _unit(WHOLE, "Mixer.forward")
    assert prints(CUT)[0] >= prints(WHOLE)[0]  # and the helper is still a unit of its own
    assert "_middle" in {u.qualname for u in parse_source("m.py", CUT.encode()).units}


def test_a_cut_among_many_functions_is_read_as_one_alone() -> None:
    """A module of many functions has its names found in one pass (one pass per function took
    seconds past a few thousand, and a cap on the functions looked at let padding hide a cut)."""
    many = "".join(f"def pad{i}(x):\n    return x * {i} + pad{i + 1}(x)\n\n\n" for i in range(3000))
    assert _unit(many + CUT, "Mixer.forward") == _unit(WHOLE, "Mixer.forward")
    twice = many + CUT + "\n\ndef again(q, k, c, s):\n    return _middle(q, k, c, s)\n"
    assert _unit(twice, "Mixer.forward") != _unit(WHOLE, "Mixer.forward")


def test_a_cut_called_from_two_places_or_calling_itself_is_read_in_each_caller() -> None:
    """A stranger's review: one dead recursive call in the helper, or a second caller, and the cut
    was read on its own only.  Each call that hands the caller's locals on is read as the cut."""
    second = CUT + "\n\ndef again(query, key, cos, sin):\n    query, key = _middle(query, key, cos, sin)\n" \
        "    return query * key\n"
    recursive = CUT.replace("    return query, key\n",
                            "    if cos is None:\n        query, key = _middle(query, key, cos, sin)\n    return query, key\n", 1)
    for text in (second, recursive):
        assert "turn" in _unit(text, "Mixer.forward") and "turn" in _unit(text, "_middle")
    assert "turn" in _unit(second, "again")


def test_a_helper_with_computed_arguments_or_used_another_way_is_not_read_in() -> None:
    computed = CUT.replace("= _middle(query, key", "= _middle(query.float(), key")
    as_value = CUT + "\n\nSTEPS = [_middle]\n"
    elsewhere = CUT + "\n\ndef again(q, k, c, s):\n    return _middle(q, k, c, s)\n"
    for text in (computed, as_value, elsewhere):
        assert "turn" not in _unit(text, "Mixer.forward")
        assert "turn" in _unit(text, "_middle")


def test_a_helper_whose_result_is_not_bound_to_names_is_not_read_in() -> None:
    stored = CUT.replace("query, key = _middle(query, key, cos, sin)", "self.pair = _middle(query, key, cos, sin)")
    assert "turn" not in _unit(stored, "Mixer.forward")


def test_a_function_of_the_codes_own_is_not_read_in() -> None:
    """A call handing values on under names of the helper's own (`q, k = rope(query, key, ...)`
    for `def rope(q, k, cos, sin)`), or binding names other than those it returns, is the code's
    own factoring, as model code calls `apply_rotary_pos_emb`: left as written."""
    own = CUT.replace("def _middle(query, key, cos, sin):", "def _middle(q, k, cos, sin):").replace(
        "    query = query * cos + turn(query) * sin\n    key = key * cos + turn(key) * sin\n    return query, key",
        "    q = q * cos + turn(q) * sin\n    k = k * cos + turn(k) * sin\n    return q, k")
    swapped = CUT.replace("query, key = _middle(", "key, query = _middle(")
    for text in (own, swapped):
        assert "turn" not in _unit(text, "Mixer.forward")
        assert "turn" in _unit(text, "_middle")


ROPE = "        query = query * cos + turn(query) * sin\n        key = key * cos + turn(key) * sin\n"
# the same two lines cut into a method of the class, called through `self`
METHOD_CUT = WHOLE.replace(ROPE, "        query, key = self._middle(query, key, cos, sin)\n") \
    + "\n    def _middle(self, query, key, cos, sin):\n" + ROPE + "        return query, key\n"

OTHER = '''
class Other:
    def forward(self, x):
        x = self._middle(x)
        return x * 2

    def _middle(self, x):
        x = x - 1
        return x
'''


def test_a_method_cut_in_the_middle_reads_as_written_whole() -> None:
    """The cut made a method of the class, called through `self`: read in its caller as well
    (a method of the same name in another class is that class's own)."""
    assert _unit(METHOD_CUT, "Mixer.forward") == _unit(WHOLE, "Mixer.forward")
    assert "turn" in _unit(METHOD_CUT, "Mixer._middle")
    assert _unit(METHOD_CUT + OTHER, "Mixer.forward") == _unit(WHOLE, "Mixer.forward")
    # (and decorated classes are classes)
    decorated = METHOD_CUT.replace("\nclass Mixer:", "\n@register\nclass Mixer:")
    assert _unit(decorated, "Mixer.forward") == _unit(WHOLE, "Mixer.forward")


def test_a_method_cut_into_a_mixin_is_read_in_its_subclass() -> None:
    """The cut moved to a mixin the class derives from (the module's own class): the same line."""
    mixin = METHOD_CUT.replace("\nclass Mixer:", "\nclass _Ops:\n    def _middle(self, query, key, cos, sin):\n"
                               "        query = query * cos + turn(query) * sin\n"
                               "        key = key * cos + turn(key) * sin\n        return query, key\n\n\n"
                               "class Mixer(_Ops):")
    mixin = mixin[: mixin.rindex("    def _middle")]
    assert _unit(mixin, "Mixer.forward") == _unit(WHOLE, "Mixer.forward")


def test_a_method_reached_otherwise_is_not_read_in() -> None:
    """Reached from a class of another line, through another object, or as a value: its callers
    are not all known, so it is no cut."""
    unrelated = METHOD_CUT + "\n\nclass Other:\n    def run(self, query, key, cos, sin):\n" \
        "        query, key = self._middle(query, key, cos, sin)\n        return query\n"
    other_object = METHOD_CUT.replace("query, key = self._middle(", "query, key = self.inner._middle(")
    as_value = METHOD_CUT + "\n\nSTEPS = [Mixer._middle]\n"
    for text in (unrelated, other_object, as_value):
        assert "turn" not in _unit(text, "Mixer.forward")
    own_names = METHOD_CUT.replace("def _middle(self, query, key, cos, sin):", "def _middle(self, q, k, cos, sin):")
    assert "turn" not in _unit(own_names, "Mixer.forward")  # (the code's own factoring, as above)
    # control: called so from a subclass of the module's, it is read in both callers
    subclass = unrelated.replace("class Other:", "class Other(Mixer):")
    assert "turn" in _unit(subclass, "Mixer.forward") and "turn" in _unit(subclass, "Other.run")
