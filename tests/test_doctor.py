from course_utils import doctor


def test_report_flags_missing_package_and_data(monkeypatch, isolated_data, capsys):
    monkeypatch.setattr(doctor, "PACKAGES", (*doctor.PACKAGES, "surely-not-a-real-package"))
    findings = doctor.check_environment()
    by_name = {f.what: f for f in findings}
    assert by_name["numpy"].ok and by_name["Python"].ok
    assert not by_name["surely-not-a-real-package"].ok
    assert not by_name["data: mnist"].ok  # the isolated cache is empty
    out = capsys.readouterr().out
    assert "-> run `make lab`" in out and "problem(s)" in out
    assert "yann.lecun.com" in out  # where to download the missing files


def test_bad_backend_is_reported(monkeypatch, isolated_data):
    monkeypatch.setenv("KERAS_BACKEND", "cntk")
    finding = {f.what: f for f in doctor.check_environment(verbose=False)}["Keras backend"]
    assert not finding.ok and "cntk" in finding.advice


def _fake_versions(monkeypatch, versions):
    real = doctor.importlib.metadata.version
    monkeypatch.setattr(doctor.importlib.metadata, "version",
                        lambda dist: versions[dist] if dist in versions else real(dist))


def test_a_keras_2_stack_is_not_ok(monkeypatch, isolated_data, capsys):
    _fake_versions(monkeypatch, {"keras": "2.15.0", "tensorflow": "2.15.1"})
    by_name = {f.what: f for f in doctor.check_environment()}
    assert not by_name["keras"].ok and "tested with 3." in by_name["keras"].found
    assert "constraints.txt" in by_name["keras"].advice
    # Same major version, another minor: said, not an error.
    assert by_name["tensorflow"].ok and by_name["tensorflow"].note
    assert "2.15.1 (constraints.txt: " in capsys.readouterr().out


def test_the_pinned_versions_are_ok_and_grouped_on_one_line(isolated_data, capsys):
    pins = doctor.read_constraints()
    assert pins["keras"].startswith("3.") and pins["scikit-learn"]
    findings = doctor.check_environment(verbose=False)
    by_name = {f.what: f for f in findings}
    for dist in doctor.PACKAGES:
        if doctor.importlib.metadata.version(dist) == pins[doctor._normalise(dist)]:
            assert by_name[dist].ok and by_name[dist].group == "packages"
    out = doctor.report([f for f in findings if f.ok])
    assert "[ok] packages" in out and "no problem found" in out
    assert max(map(len, out.splitlines())) <= doctor.WIDTH  # fits a slide


def test_read_constraints_ignores_comments_and_normalises_names(tmp_path):
    path = tmp_path / "constraints.txt"
    path.write_text("# a comment\nScikit_Learn==1.9.1\nkeras == 3.15.1  # pinned\n\nnot a pin\n")
    assert doctor.read_constraints(path) == {"scikit-learn": "1.9.1", "keras": "3.15.1"}
    assert doctor.read_constraints(tmp_path / "missing.txt") == {}


def test_series_compares_major_versions_and_minor_ones_below_1():
    assert doctor._series("3.15.1") == doctor._series("3.2") != doctor._series("2.15.0")
    assert doctor._series("0.10.2") != doctor._series("0.4.30")


def test_paths_are_printed_relative_to_the_repository_or_home(monkeypatch, tmp_path):
    assert doctor.short_path(doctor.REPO / ".venv" / "bin" / "python") == ".venv/bin/python"
    monkeypatch.setattr(doctor.Path, "home", classmethod(lambda cls: tmp_path))
    assert doctor.short_path(tmp_path / "envs" / "python") == "~/envs/python"
    assert doctor.short_path("/opt/far/away/deep/python").startswith("/")  # not a chain of ../


def test_the_report_shows_no_absolute_path_of_the_checkout(monkeypatch, isolated_data, capsys):
    monkeypatch.setattr(doctor.sys, "executable", str(doctor.REPO / ".venv" / "bin" / "python"))
    doctor.check_environment()
    out = capsys.readouterr().out
    assert str(doctor.REPO) not in out and ".venv/bin/python" in out


def test_a_kernel_outside_the_course_venv_is_reported(monkeypatch, tmp_path):
    monkeypatch.setattr(doctor, "REPO", tmp_path)
    finding = doctor._kernel()  # no .venv: the conda / Colab route
    assert finding.ok and "no .venv" in finding.found
    (tmp_path / ".venv").mkdir()
    finding = doctor._kernel()
    assert not finding.ok and "not the course's .venv" in finding.found
    assert "make lab" in finding.advice and "Change Kernel" in finding.advice
    monkeypatch.setattr(doctor.sys, "prefix", str(tmp_path / ".venv"))
    assert doctor._kernel().ok


def test_the_machine_is_described():
    finding = doctor._machine()
    assert finding.ok and "CPU" in finding.found
