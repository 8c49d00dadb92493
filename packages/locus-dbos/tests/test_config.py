"""configure(): where the system database is, first found."""

from __future__ import annotations

from dbos import DBOS

from locus.dbos import configure


def test_the_environment_variable_names_the_database(tmp_path, monkeypatch):
    path = tmp_path / "from-env.sqlite"
    monkeypatch.setenv("DBOS_SYSTEM_DATABASE_URL", f"sqlite:///{path}")
    configure(log_level="WARNING")
    DBOS.launch()
    assert path.exists()


def test_a_dbos_config_wins_over_the_argument_and_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DBOS_SYSTEM_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
    configure(
        {"name": "locus", "system_database_url": f"sqlite:///{tmp_path / 'config.sqlite'}"},
        system_database_url=f"sqlite:///{tmp_path / 'arg.sqlite'}",
        log_level="WARNING",
    )
    DBOS.launch()
    assert (tmp_path / "config.sqlite").exists()
    assert not (tmp_path / "arg.sqlite").exists()
    assert not (tmp_path / "env.sqlite").exists()


def test_without_any_it_is_a_sqlite_file_in_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("DBOS_SYSTEM_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    configure(log_level="WARNING")
    DBOS.launch()
    assert (tmp_path / "locus_dbos.sqlite").exists()


def _pre_ping() -> bool:
    from dbos._dbos import _get_dbos_instance

    return bool(_get_dbos_instance()._sys_db.engine.pool._pre_ping)


def test_on_postgresql_the_pool_does_not_ping_at_every_checkout(pg_url):
    configure(system_database_url=pg_url, log_level="WARNING")
    DBOS.launch()
    assert _pre_ping() is False  # two round trips fewer per step


def test_engine_options_given_are_kept(pg_url):
    configure(
        system_database_url=pg_url, log_level="WARNING", db_engine_kwargs={"pool_pre_ping": True}
    )
    DBOS.launch()
    assert _pre_ping() is True
