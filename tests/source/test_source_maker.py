"""The maker a package's own metadata names (source/maker.py): every author and maintainer must
map to one company, by e-mail domain or by name; anything else names no maker."""

from __future__ import annotations

from pathlib import Path

from lineage.source.maker import declared_makers, is_metadata, metadata_files


def _orgs(name: str, text: str) -> list[str]:
    return [m.org for m in declared_makers([(name, text.encode("utf-8"))])]


def test_pyproject_authors_at_one_companys_domain_name_it() -> None:
    text = ('[project]\nname = "demo"\nauthors = [{name = "A. Person", email = "a@zhipuai.cn"},\n'
            '  {email = "models@z.ai"}]\nmaintainers = [{name = "B", email = "b@research.zhipuai.cn"}]\n')
    found = declared_makers([("pyproject.toml", text.encode())])
    assert [m.org for m in found] == ["Zhipu AI"]
    assert found[0].said.startswith("pyproject.toml: authors 'A. Person <a@zhipuai.cn>'")
    assert "one of 3 authors and maintainers named, all of Zhipu AI" in found[0].said


def test_a_personal_address_or_a_second_company_names_no_maker() -> None:
    base = '[project]\nname = "demo"\nauthors = [{name = "A", email = "a@mistral.ai"}, %s]\n'
    assert _orgs("pyproject.toml", base % '{name = "B", email = "b@example.com"}') == []
    assert _orgs("pyproject.toml", base % '{name = "B", email = "b@meta.com"}') == []
    assert _orgs("pyproject.toml", base % '{name = "B", email = "b@mistral.ai"}') == ["Mistral AI"]


def test_an_author_without_an_address_is_named_by_the_organisation_table() -> None:
    assert _orgs("pyproject.toml", '[project]\nauthors = [{name = "DeepSeek-AI"}]\n') == ["DeepSeek"]
    assert _orgs("pyproject.toml", '[project]\nauthors = [{name = "Some Person"}]\n') == []
    # a framework project publishes other makers' models: it is no model's maker
    assert _orgs("pyproject.toml", '[project]\nauthors = [{name = "The vLLM project"}]\n') == []


def test_poetry_setup_cfg_pkg_info_and_dist_info_metadata() -> None:
    assert _orgs("pyproject.toml", '[tool.poetry]\nauthors = ["Someone <someone@mistral.ai>"]\n') == ["Mistral AI"]
    assert _orgs("pyproject.toml", '[tool.poetry]\nauthors = ["Mistral AI"]\n') == ["Mistral AI"]  # a name alone
    assert _orgs("setup.cfg", "[metadata]\nname = x\nauthor = Lab\nauthor_email = lab@deepseek.com\n") == ["DeepSeek"]
    meta = "Metadata-Version: 2.1\nName: x\nVersion: 1.0\nAuthor-email: Team <team@us.ibm.com>, ops@ibm.com\n\nbody\n"
    assert _orgs("PKG-INFO", meta) == ["IBM"]  # (a subdomain is its company's)
    assert _orgs("x-1.0.dist-info/METADATA", meta) == ["IBM"]
    assert _orgs("PKG-INFO", "Metadata-Version: 2.1\nName: x\nAuthor: UNKNOWN\n\n") == []


def test_setup_py_is_read_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = (f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n"
            "from setuptools import setup\nsetup(name='x', author='Q', author_email='q@tencent.com')\n")
    (tmp_path / "setup.py").write_text(text, encoding="utf-8")
    assert [m.org for m in declared_makers(metadata_files(str(tmp_path)))] == ["Tencent"]
    assert not marker.exists()
    # computed arguments are not read: nothing is evaluated
    assert _orgs("setup.py", "import setuptools\nsetuptools.setup(author_email=EMAIL)\n") == []


def test_broken_or_oversized_metadata_names_no_maker_and_raises_nothing(tmp_path: Path) -> None:
    assert _orgs("pyproject.toml", '[project\nauthors = [{email = "a@mistral.ai"}]\n') == []
    assert _orgs("setup.cfg", "not ini at all [[[\n") == []
    assert _orgs("setup.py", "def broken(:\n") == []
    assert _orgs("setup.py", "(" * 200_000) == []
    assert _orgs("pyproject.toml", '[project]\nauthors = "a@mistral.ai"\n') == []
    big = '[project]\nauthors = [{email = "a@mistral.ai"}]\n' + "#" * 1_000_001
    assert _orgs("pyproject.toml", big) == []
    (tmp_path / "pyproject.toml").symlink_to("/etc/passwd")
    assert metadata_files(str(tmp_path)) == []


def test_metadata_files_are_found_at_the_root_and_in_dist_info(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "pyproject.toml").write_text('[project]\nauthors = [{email = "a@meta.com"}]\n')
    assert metadata_files(str(tmp_path)) == []  # a sub-package's metadata is not the scanned package's
    (tmp_path / "pkg-1.0.dist-info").mkdir()
    (tmp_path / "pkg-1.0.dist-info" / "METADATA").write_text("Name: pkg\nAuthor-email: a@meta.com\n\n")
    assert [name for name, _ in metadata_files(str(tmp_path))] == ["pkg-1.0.dist-info/METADATA"]
    assert is_metadata("pyproject.toml") and is_metadata("x-1.dist-info/METADATA")
    assert not is_metadata("pkg/pyproject.toml") and not is_metadata("METADATA")


def test_a_personal_address_names_no_one_whatever_the_name_beside_it() -> None:
    """An address decides when there is one: a public mail service's names no company, and the
    name beside it is not read (a stranger's review: 'Mistral Fan <fan@gmail.com>' read as Mistral AI)."""
    assert _orgs("pyproject.toml", '[project]\nauthors = [{name = "Mistral Fan", email = "fan@gmail.com"}]\n') == []
    assert _orgs("PKG-INFO", "Name: x\nAuthor: OpenMMLab\nAuthor-email: openmmlab@gmail.com\n\n") == []
    assert _orgs("PKG-INFO", "Name: x\nAuthor-email: j@gmail.com (Mistral AI)\n\n") == []


def test_a_name_alone_must_be_an_organisations_name_not_contain_one() -> None:
    assert _orgs("pyproject.toml", '[project]\nauthors = [{name = "Not affiliated with Google"}]\n') == []
    assert _orgs("pyproject.toml", '[project]\nauthors = [{name = "Kimi Virtanen"}]\n') == []
    assert _orgs("pyproject.toml", '[project]\nauthors = [{name = "  google "}]\n') == ["Google"]


def test_every_author_counts_and_what_code_computes_names_no_one() -> None:
    # a repeated header: every value is read (a personal address behind the company's names no maker)
    assert _orgs("PKG-INFO", "Name: x\nAuthor-email: a@mistral.ai\nAuthor-email: b@gmail.com\n\n") == []
    assert _orgs("setup.py", "from setuptools import setup\nsetup(author_email='a@mistral.ai')\n"
                             "setup(author_email='b@gmail.com')\n") == []
    assert _orgs("setup.py", "from setuptools import setup\nE = 'a@mistral.ai'\n"
                             "setup(author='Mistral AI', author_email=E)\n") == []
    assert _orgs("setup.py", "from setuptools import setup\nsetup(author='Mistral AI', **extra)\n") == []
    assert _orgs("setup.cfg", "[metadata]\nauthor = Mistral AI\nauthor-email = someone@gmail.com\n") == []


def test_values_of_the_wrong_type_name_no_one_and_raise_nothing() -> None:
    for text in ('[project]\nauthors = 5\n', '[project]\nauthors = true\n', '[tool.poetry]\nauthors = 5\n',
                 '[project]\nauthors = ["a@mistral.ai"]\n', '[tool.poetry]\nauthors = [{email = "a@mistral.ai"}]\n',
                 'project = 3\n', 'tool = "x"\n', '[project]\nauthors = [{name = 5, email = ["a@mistral.ai"]}]\n'):
        assert _orgs("pyproject.toml", text) == [], text


def test_a_symlinked_dist_info_folder_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside" / "x-1.0.dist-info"
    outside.mkdir(parents=True)
    (outside / "METADATA").write_text("Name: x\nAuthor-email: a@mistral.ai\n\n")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "x-1.0.dist-info").symlink_to(outside, target_is_directory=True)
    assert metadata_files(str(tree)) == []


def test_a_package_folder_reads_the_metadata_of_the_distribution_that_installed_it(tmp_path: Path) -> None:
    """A wheel unpacked (or site-packages), scanned as its package folder: the dist-info beside it
    that names the folder is the package's own word (a stranger's review: IBM's fms/ read IBM's
    notice as removed, scanned without the METADATA at the wheel's root); another distribution's
    is not, nor is anything when the folder holds metadata of its own."""
    (tmp_path / "fms" / "modules").mkdir(parents=True)
    (tmp_path / "fms" / "__init__.py").write_text("")
    (tmp_path / "other-2.0.dist-info").mkdir()
    (tmp_path / "other-2.0.dist-info" / "METADATA").write_text("Name: other\nAuthor-email: a@meta.com\n\n")
    (tmp_path / "other-2.0.dist-info" / "top_level.txt").write_text("other\n")
    assert metadata_files(str(tmp_path / "fms")) == []
    info = tmp_path / "ibm_fms-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Name: ibm-fms\nAuthor-email: a@ibm.com\n\n")
    (info / "RECORD").write_text("fms/__init__.py,sha256=x,1\nibm_fms-1.0.dist-info/METADATA,,\n")
    for folder in (tmp_path / "fms", tmp_path / "fms" / "modules"):
        found = metadata_files(str(folder))
        assert [name for name, _ in found] == ["ibm_fms-1.0.dist-info/METADATA"]
        assert [m.org for m in declared_makers(found)] == ["IBM"]
    planted = tmp_path / "aaa-0.1.dist-info"  # (a second review: sorted first, claiming a file not there)
    planted.mkdir()
    (planted / "METADATA").write_text("Name: aaa\nAuthor-email: a@alibaba-inc.com\n\n")
    (planted / "RECORD").write_text("fms/plugin.py,sha256=x,1\n")
    assert [name for name, _ in metadata_files(str(tmp_path / "fms"))] == ["ibm_fms-1.0.dist-info/METADATA"]
    (planted / "top_level.txt").write_text("fms\n")  # two distributions claim the folder: no one's word
    assert metadata_files(str(tmp_path / "fms")) == []
    (tmp_path / "fms" / "pyproject.toml").write_text('[project]\nauthors = [{email = "b@mistral.ai"}]\n')
    assert [name for name, _ in metadata_files(str(tmp_path / "fms"))] == ["pyproject.toml"]
