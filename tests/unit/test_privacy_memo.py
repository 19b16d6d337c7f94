"""The privacy scan's memo of clean files (analysis.assurance.privacy.CleanFiles): a rebuild scans
again only the files that changed, and never takes a changed or unclean file for a clean one.

SW1A 1AA is a public, non-residential postcode (SYNTHETIC person-level data)."""
from __future__ import annotations

import json

from analysis.assurance import privacy

CLEAN_PAGE = "<html><body><p>Contacts to the front door rose.</p></body></html>\n"
UNCLEAN_PAGE = "<html><body><table><tr><td>SW1A 1AA</td></tr></table></body></html>\n"


def _edition(tmp_path, pages: dict[str, str]):
    folder = tmp_path / "html"
    for name, text in pages.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _counting_scans(monkeypatch) -> list[str]:
    scanned: list[str] = []
    real = privacy.scan_file

    def counting(path, file):
        scanned.append(file)
        return real(path, file)

    monkeypatch.setattr(privacy, "scan_file", counting)
    return scanned


def test_unchanged_clean_files_are_not_scanned_again_and_changed_ones_are(tmp_path, monkeypatch):
    folder = _edition(tmp_path, {"a.html": CLEAN_PAGE, "b.html": CLEAN_PAGE, "c.html": UNCLEAN_PAGE})
    memo = tmp_path / "memo.json"
    scanned = _counting_scans(monkeypatch)

    first = privacy.scan_edition(folder, clean_memo=memo)
    assert [f.file for f in first] == ["c.html"] and sorted(scanned) == ["a.html", "b.html", "c.html"]

    scanned.clear()
    again = privacy.scan_edition(folder, clean_memo=memo)
    assert again == first
    assert scanned == ["c.html"]  # a file with a finding is never remembered as clean

    (folder / "b.html").write_text(UNCLEAN_PAGE, encoding="utf-8")  # the same name, new bytes
    scanned.clear()
    changed = privacy.scan_edition(folder, clean_memo=memo)
    assert sorted(f.file for f in changed) == ["b.html", "c.html"]
    assert sorted(scanned) == ["b.html", "c.html"]


def test_the_same_bytes_under_another_name_are_scanned(tmp_path, monkeypatch):
    folder = _edition(tmp_path, {"a.html": CLEAN_PAGE})
    memo = tmp_path / "memo.json"
    privacy.scan_edition(folder, clean_memo=memo)
    (folder / "searchindex.js").write_text(CLEAN_PAGE, encoding="utf-8")  # some names are scanned differently
    scanned = _counting_scans(monkeypatch)
    privacy.scan_edition(folder, clean_memo=memo)
    assert scanned == ["searchindex.js"]


def test_a_memo_from_another_version_of_the_scan_or_damaged_is_not_trusted(tmp_path, monkeypatch):
    folder = _edition(tmp_path, {"a.html": UNCLEAN_PAGE})
    key = f"a.html {privacy.sha256_file(folder / 'a.html')}"
    memo = tmp_path / "memo.json"
    # A memo that says the unclean file is clean, written by another version of the scan.
    memo.write_text(json.dumps({"scanner": "0" * 64, "clean": [key]}), encoding="utf-8")
    assert [f.file for f in privacy.scan_edition(folder, clean_memo=memo)] == ["a.html"]
    assert json.loads(memo.read_text(encoding="utf-8")) == {"scanner": privacy.scanner_fingerprint(), "clean": []}
    for damaged in ("{", "[]", '{"scanner": 1}'):
        memo.write_text(damaged, encoding="utf-8")
        assert [f.file for f in privacy.scan_edition(folder, clean_memo=memo)] == ["a.html"]


def test_the_scanner_fingerprint_follows_the_rules_code(tmp_path, monkeypatch):
    import analysis.person_level

    before = privacy.scanner_fingerprint()
    changed = tmp_path / "person_level.py"
    changed.write_bytes(open(analysis.person_level.__file__, "rb").read() + b"\n# a rule changed\n")
    monkeypatch.setattr(analysis.person_level, "__file__", str(changed))
    assert privacy.scanner_fingerprint() != before
