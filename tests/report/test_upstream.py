"""Package URLs and upstream links: one for every kind of source, no invented addresses."""

from __future__ import annotations

import pytest
from packageurl import PackageURL

from lineage.models import IndexInfo, IndexSource, RefUnit
from lineage.report.upstream import repositories, source_label, upstream

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def _ref(source: str, path: str = "pkg/models/llama/modeling_llama.py") -> RefUnit:
    return RefUnit("x:llama", "Meta", "US", "Apache-2.0", source, path, "LlamaMLP", 40, 52)


def test_pypi_purl_names_the_file_as_subpath_and_no_url_without_a_repository() -> None:
    up = upstream(_ref("Flash_Attn==2.8.1", "flash_attn/layers/rotary.py"))
    assert up.purl == "pkg:pypi/flash-attn@2.8.1#flash_attn/layers/rotary.py"
    assert up.url is None and not up.of_file
    parsed = PackageURL.from_string(up.purl)
    assert (parsed.type, parsed.name, parsed.version) == ("pypi", "flash-attn", "2.8.1")


def test_pypi_links_the_repository_its_manifest_names() -> None:
    info = IndexInfo("i", "p", (IndexSource("transformers", "pypi", "5.23.0", label="transformers==5.23.0",
                                            repository="https://github.com/huggingface/transformers"),
                                IndexSource("vllm", "pypi", "0.33.0")), {}, 1, 1, 1)
    repos = repositories(info)
    assert repos == {"transformers==5.23.0": "https://github.com/huggingface/transformers"}
    up = upstream(_ref("transformers==5.23.0"), repos)
    assert up.url == "https://github.com/huggingface/transformers" and not up.of_file
    assert upstream(_ref("vllm==0.33.0"), repos).url is None


@pytest.mark.parametrize("remote,purl,url", [
    ("https://github.com/meta-llama/llama-models.git", f"pkg:github/meta-llama/llama-models@{COMMIT}#src/m.py",
     f"https://github.com/meta-llama/llama-models/blob/{COMMIT}/src/m.py#L40-L52"),
    ("git@github.com:meta-llama/llama-models.git", f"pkg:github/meta-llama/llama-models@{COMMIT}#src/m.py",
     f"https://github.com/meta-llama/llama-models/blob/{COMMIT}/src/m.py#L40-L52"),
    ("https://gitlab.com/group/proj", f"pkg:gitlab/group/proj@{COMMIT}#src/m.py",
     f"https://gitlab.com/group/proj/-/blob/{COMMIT}/src/m.py#L40-52"),
])
def test_public_forges_get_their_purl_type_and_a_link_to_the_lines(remote: str, purl: str, url: str) -> None:
    up = upstream(_ref(f"{remote}@{COMMIT}", "src/m.py"))
    assert (up.purl, up.url, up.of_file) == (purl, url, True)


def test_other_git_hosts_and_local_paths_get_a_generic_purl_and_no_link() -> None:
    hosted = upstream(_ref(f"https://git.example.org/team/model.git@{COMMIT}", "m.py"))
    assert hosted.url is None
    assert PackageURL.from_string(hosted.purl).qualifiers == {
        "vcs_url": f"git+https://git.example.org/team/model.git@{COMMIT}"}
    local = upstream(_ref(f"/srv/mirror/model@{COMMIT}", "m.py"))
    assert local.url is None and local.purl == f"pkg:generic/model@{COMMIT}#m.py"


def test_directory_sources_and_paths_that_need_encoding() -> None:
    up = upstream(_ref("dir:mine", "a b/c.py"))
    assert up.purl == "pkg:generic/mine#a%20b/c.py" and up.url is None
    assert source_label(IndexSource("mine", "dir", "")) == "dir:mine"
    assert source_label(IndexSource("flash", "pypi", "1.0")) == "flash==1.0"
