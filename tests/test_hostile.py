"""Hostile inbox input (issue 11), built at test time beside an ordinary client folder: each case names
its expected outcome, and the ordinary file is archived in the same pass whatever the case did."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import by_source, ingest, ocfl_validate
import dossier_factory as samples
from dossier import intake
from dossier.archive import Archive
from dossier.pipeline import Pipeline


@pytest.fixture
def company():
    return samples.make_company(7, short="恒远机械")


def _ordinary(home, company) -> None:
    samples.business_licence_pdf(company, home.inbox / "恒远机械" / "营业执照.pdf")


def _ordinary_archived(home, outcomes) -> None:
    got = by_source(outcomes)["恒远机械/营业执照.pdf"]
    assert got.outcome == "archived", got
    ok, out = ocfl_validate(Archive(home).object_path("恒远机械"))
    assert ok, out


def _remove_deep(top: Path) -> None:
    """Remove a chain of nested folders too deep for shutil.rmtree (pytest's clean-up recurses)."""
    fds = [os.open(top, os.O_RDONLY)]
    while True:
        names = os.listdir(fds[-1])
        subdirs = [n for n in names if os.path.isdir(os.path.join(f"/proc/self/fd/{fds[-1]}", n))]
        for n in names:
            if n not in subdirs:
                os.unlink(n, dir_fd=fds[-1])
        if not subdirs:
            break
        fds.append(os.open(subdirs[0], os.O_RDONLY, dir_fd=fds[-1]))
    while len(fds) > 1:
        os.close(fds.pop())
        for n in os.listdir(fds[-1]):
            os.rmdir(n, dir_fd=fds[-1])
    os.close(fds[0])
    os.rmdir(top)


def test_thousand_nested_folders_are_set_aside_and_the_pass_goes_on(home, company):
    _ordinary(home, company)
    # 1000 levels, a path over 4,000 bytes (beyond PATH_MAX: made relative to each folder's descriptor)
    os.mkdir(home.inbox / "深层")
    fd = os.open(home.inbox / "深层", os.O_RDONLY)
    for _ in range(1000):
        os.mkdir("子", dir_fd=fd)
        inner = os.open("子", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    leaf = os.open("底部.pdf", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
    os.write(leaf, b"%PDF-1.4\n%%EOF\n")
    os.close(leaf)
    os.close(fd)
    outcomes = ingest(home)
    _ordinary_archived(home, outcomes)
    deep_out = [o for o in outcomes if o.source.startswith("深层/")]
    assert len(deep_out) == 1 and deep_out[0].outcome == "quarantined"
    assert "层级过深" in deep_out[0].reason
    assert (home.inbox / deep_out[0].moved_to).is_dir()
    assert (home.inbox / (deep_out[0].moved_to + ".reason.txt")).is_file()
    _remove_deep(home.inbox / deep_out[0].moved_to)
    _remove_deep(home.inbox / "深层")


@pytest.mark.parametrize("name", ["😀" * 62 + ".pdf", "长" * 83 + ".pdf"], ids=["emoji", "cjk"])
def test_names_near_255_bytes_are_archived_once(home, company, name):
    assert len(name.encode()) > 200
    _ordinary(home, company)
    samples.generic_pdf(home.inbox / "恒远机械" / name, "说明", ["长文件名测试"])
    outcomes = by_source(ingest(home))
    got = outcomes[f"恒远机械/{name}"]
    assert got.outcome == "archived", got
    assert all(len(part.encode()) <= 200 for part in got.path.split("/"))
    assert not (home.inbox / "恒远机械" / name).exists()
    assert by_source(ingest(home)) == {}  # nothing left to retry


def test_failed_folder_replaced_by_a_link_is_never_written_through(home, company, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (home.inbox / "_failed").symlink_to(outside, target_is_directory=True)
    _ordinary(home, company)
    (home.inbox / "恒远机械" / "坏文件.pdf").write_bytes(b"%PDF-1.4 not really a pdf\n%%EOF\n")
    outcomes = by_source(ingest(home))
    _ordinary_archived(home, list(outcomes.values()))
    assert outcomes["恒远机械/坏文件.pdf"].outcome == "quarantined"
    assert list(outside.iterdir()) == []
    assert (home.inbox / "_failed").is_dir() and not (home.inbox / "_failed").is_symlink()
    assert (home.inbox / outcomes["恒远机械/坏文件.pdf"].moved_to).is_file()


def test_client_folder_link_inside_failed_is_not_followed(home, company, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (home.inbox / "_failed").mkdir()
    (home.inbox / "_failed" / "恒远机械").symlink_to(outside, target_is_directory=True)
    _ordinary(home, company)
    (home.inbox / "恒远机械" / "坏文件.pdf").write_bytes(b"%PDF-1.4 junk\n%%EOF\n")
    outcomes = by_source(ingest(home))
    assert outcomes["恒远机械/坏文件.pdf"].outcome == "quarantined"
    assert list(outside.iterdir()) == []


def test_old_work_folder_replaced_by_a_link_to_the_archive_moves_nothing(home, company):
    _ordinary(home, company)
    ingest(home)
    before = sorted(p.relative_to(home.archive) for p in home.archive.rglob("*"))
    (home.inbox / ".dossier-work").symlink_to(home.archive, target_is_directory=True)
    pipe = Pipeline(home)
    try:
        pipe.start()
    finally:
        pipe.close()
    assert sorted(p.relative_to(home.archive) for p in home.archive.rglob("*")) == before
    assert not (home.inbox / ".dossier-work").exists()
    assert sorted(p.name for p in home.inbox.iterdir()) == ["恒远机械"]


def test_file_swapped_for_a_link_after_it_settled_is_not_read(home, company, tmp_path):
    secret = tmp_path / "secret.pdf"
    samples.generic_pdf(secret, "机密", ["不应被读取"])
    _ordinary(home, company)
    target = home.inbox / "恒远机械" / "资料.pdf"
    samples.generic_pdf(target, "资料", ["正常"])
    entry = next(e for e in intake.scan(home.inbox) if e.rel.endswith("资料.pdf"))
    target.unlink()
    target.symlink_to(secret)  # swapped in the window between settle and claim
    work = tmp_path / "work"
    work.mkdir()
    got = intake.claim(entry, work)
    assert isinstance(got, intake.Refused) and "符号链接" in got.reason
    assert list(work.iterdir()) == []


def test_file_replaced_after_it_settled_is_left_for_the_next_pass(home, company, tmp_path):
    target = home.inbox / "恒远机械" / "资料.pdf"
    samples.generic_pdf(target, "资料", ["第一版"])
    entry = next(e for e in intake.scan(home.inbox) if e.rel.endswith("资料.pdf"))
    target.unlink()
    samples.generic_pdf(target, "资料", ["第二版，另一个文件"])
    work = tmp_path / "work"
    work.mkdir()
    assert intake.claim(entry, work) is None
    assert list(work.iterdir()) == [] and target.exists()


def test_fifo_swapped_in_does_not_hang_the_claim(home, company, tmp_path):
    target = home.inbox / "恒远机械" / "资料.pdf"
    samples.generic_pdf(target, "资料", ["正常"])
    entry = next(e for e in intake.scan(home.inbox) if e.rel.endswith("资料.pdf"))
    target.unlink()
    os.mkfifo(target)  # nobody will ever write it: a blocking open would hang forever
    work = tmp_path / "work"
    work.mkdir()
    got = intake.claim(entry, work)
    assert isinstance(got, intake.Refused) and "不是普通文件" in got.reason


def test_fifo_and_device_present_at_scan_time_are_set_aside_and_the_pass_goes_on(home, company):
    import stat

    _ordinary(home, company)
    os.mkfifo(home.inbox / "恒远机械" / "管道.pdf")
    specials = ["恒远机械/管道.pdf"]
    if os.geteuid() == 0:  # a device node needs CAP_MKNOD
        os.mknod(home.inbox / "恒远机械" / "设备.pdf", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero
        specials.append("恒远机械/设备.pdf")
    outcomes = by_source(ingest(home))
    _ordinary_archived(home, list(outcomes.values()))
    for rel in specials:
        got = outcomes[rel]
        assert got.outcome == "quarantined" and "不是普通文件" in got.reason, got
        assert not (home.inbox / rel).exists()


def test_claimed_original_stays_in_the_inbox_until_archived(home, company, tmp_path):
    """A crash between claim and commit loses nothing: the copy read is private, the original stays."""
    _ordinary(home, company)
    entry = next(e for e in intake.scan(home.inbox))
    work = tmp_path / "work"
    work.mkdir()
    copy = intake.claim(entry, work)
    assert isinstance(copy, Path) and copy.read_bytes() == entry.path.read_bytes()
    assert entry.path.exists()
    assert oct(copy.stat().st_mode & 0o777) == oct(0o600)
    intake.done(copy, entry)
    assert not entry.path.exists() and not copy.exists()


def test_id_numbers_are_masked_in_what_is_written_into_the_inbox(home, company):
    from dossier.codes import mask_id_numbers
    from dossier.models import Outcome
    from dossier.outputs import receipt_text

    rid = company.legal_rep_id
    assert mask_id_numbers(f"号码{rid}。") == f"号码{rid[:6]}********{rid[-4:]}。"
    assert mask_id_numbers(company.credit_code) == company.credit_code  # not an ID number: kept
    text = receipt_text(None, "恒远机械", [Outcome("恒远机械/身份证.pdf", "quarantined", f"身份证号码 {rid} 无法核对")])
    assert rid not in text and f"{rid[:6]}********{rid[-4:]}" in text
    # a quarantine note in _failed/ is masked as well
    (home.inbox / "恒远机械").mkdir(exist_ok=True)
    bad = home.inbox / "恒远机械" / "身份证.pdf"
    bad.write_bytes(b"%PDF-1.4 broken\n%%EOF\n")
    entry = next(e for e in intake.scan(home.inbox) if e.rel.endswith("身份证.pdf"))
    dest = intake.set_aside(entry, home.inbox / "_failed", f"号码 {rid} 的身份证无法读取", "收件失败")
    note = dest.with_name(dest.name + ".reason.txt").read_text(encoding="utf-8")
    assert rid not in note and rid[:6] in note


def test_failing_commit_backs_off_and_does_not_reread(home, company, monkeypatch):
    from dossier.errors import ArchiveError

    _ordinary(home, company)
    pipe = Pipeline(home)
    reads = []
    real_read = pipe._read

    def counting_read(group):
        reads.append(len(group.claimed))
        real_read(group)

    def disk_full(*args, **kwargs):
        raise ArchiveError("磁盘空间不足")

    monkeypatch.setattr(pipe, "_read", counting_read)
    monkeypatch.setattr(pipe.archive, "store_batch", disk_full)
    try:
        pipe.start()
        first, _ = pipe.pass_once()
        assert [o.outcome for o in first] == ["pending"] and "重试" in first[0].reason
        alert = home.state_dir / "INTAKE-ALERT.txt"
        assert "磁盘空间不足" in alert.read_text(encoding="utf-8")
        second, waiting = pipe.pass_once()  # within the back-off: not claimed, not read again
        assert second == [] and len(waiting) == 1 and reads == [1]
        assert pipe.next_due() > 0
        monkeypatch.undo()
        pipe.backoff.clock = lambda: float("inf")  # the back-off is over
        third, _ = pipe.pass_once()
        assert [o.outcome for o in third] == ["archived"]
        assert not alert.exists()
    finally:
        pipe.close()


def test_archive_state_and_catalog_are_private_under_a_lax_umask(tmp_path, company):
    from conftest import make_config
    from dossier.pipeline import init_home

    old = os.umask(0o022)
    try:
        home = make_config(tmp_path / "home")
        init_home(home)
        _ordinary(home, company)
        outcomes = ingest(home)
        assert [o.outcome for o in outcomes] == ["archived"]
    finally:
        os.umask(old)
    private = [home.archive, home.state_dir, home.catalog_path, *home.archive.rglob("*")]
    loose = [p for p in private if p.stat().st_mode & 0o077]
    assert loose == [], loose[:5]
    receipt = home.inbox / "恒远机械" / "收件回执.txt"
    assert receipt.stat().st_mode & 0o777 == 0o664  # the clerks read it


def test_one_ingester_per_home_and_readers_recover_nothing(home, company, tmp_path):
    from conftest import dossier_cli
    from dossier.errors import WriterBusy

    _ordinary(home, company)
    ingester = Pipeline(home)
    try:
        ingester.start("ingester")
        group_dir = intake.new_batch_dir(home)  # an ingester's batch in progress
        (group_dir / "copy.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
        second = Pipeline(home)
        try:
            with pytest.raises(WriterBusy):
                second.start("ingester")
        finally:
            second.close()
        reader = Pipeline(home)
        try:
            assert reader.start("reader") == []
        finally:
            reader.close()
        assert (group_dir / "copy.pdf").exists()  # a reader touched nothing
        assert (home.inbox / "恒远机械" / "营业执照.pdf").exists()
        cli = dossier_cli(home.home, "ingest", "--no-wait")
        assert cli.returncode == 2 and "另一个收件进程" in cli.stderr
        listed = dossier_cli(home.home, "list")
        assert listed.returncode == 0, listed.stderr
    finally:
        ingester.close()
    assert dossier_cli(home.home, "ingest").returncode == 0


@pytest.mark.parametrize("folder", ["=HYPERLINK(\"http://x\")\x07客户", "+cmd|' /C calc'!A0", "@SUM(1)\t客户"],
                         ids=["formula-bell", "dde", "at-tab"])
def test_hostile_folder_names_are_archived_and_stay_text_in_the_overview(home, company, folder, tmp_path):
    import openpyxl

    from conftest import dossier_cli

    samples.business_licence_pdf(company, home.inbox / folder / "营业执照.pdf")
    _ordinary(home, samples.make_company(8, short="恒远机械"))
    outcomes = ingest(home)
    assert {o.outcome for o in outcomes} == {"archived"}, outcomes
    out = tmp_path / "总览.xlsx"
    run = dossier_cli(home.home, "overview", "--out", str(out))
    assert run.returncode == 0, run.stderr
    for ws in openpyxl.load_workbook(out).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not any(ord(ch) < 32 and ch not in "\n" for ch in cell.value), repr(cell.value)


def test_writer_refuses_to_start_on_unsafe_folders(tmp_path):
    from conftest import make_config
    from dossier.errors import UsageError
    from dossier.pipeline import init_home

    # the archive inside the clerks' share
    home = make_config(tmp_path / "h1", archive_dir=str(tmp_path / "h1" / "inbox" / "archive"))
    init_home(home)
    pipe = Pipeline(home)
    try:
        with pytest.raises(UsageError, match="互相包含"):
            pipe.start("ingester")
    finally:
        pipe.close()
    # the inbox reached through a symbolic link
    real = tmp_path / "share"
    real.mkdir()
    (tmp_path / "h2").mkdir()
    (tmp_path / "h2" / "inbox").symlink_to(real, target_is_directory=True)
    home = make_config(tmp_path / "h2")
    init_home(home)
    pipe = Pipeline(home)
    try:
        with pytest.raises(UsageError, match="符号链接"):
            pipe.start("ingester")
        assert pipe.start("reader") == []  # readers read; only the writer is refused
    finally:
        pipe.close()


def test_settle_probe_of_a_fifo_swapped_in_does_not_hang(tmp_path):
    from dossier.reading import probe

    fifo = tmp_path / "管道.pdf"
    os.mkfifo(fifo)  # nobody writes it: a blocking open would hang the watcher
    with pytest.raises(OSError):
        probe(fifo)
    link = tmp_path / "链接.pdf"
    link.symlink_to(tmp_path / "elsewhere.pdf")
    with pytest.raises(OSError):
        probe(link)
