from course_utils import doctor


def test_report_flags_missing_package_and_data(monkeypatch, isolated_data, capsys):
    monkeypatch.setitem(doctor.PACKAGES, "surely-not-a-real-package", "nope")
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
