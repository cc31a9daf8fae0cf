from digest_pipeline.defs.resources import warehouse_resource


def test_duckdb_runs_with_explicit_threads_memory_and_spill_folder(tmp_path):
    database = tmp_path / "work.duckdb"
    resource = warehouse_resource(str(database))
    with resource.get_connection() as con:
        settings = dict(
            con.execute(
                "SELECT name, value FROM duckdb_settings() "
                "WHERE name IN ('threads', 'memory_limit', 'temp_directory')"
            ).fetchall()
        )
    assert int(settings["threads"]) >= 1
    assert settings["memory_limit"].startswith(("953.6 MiB", "1.0 GB", "1000.0 MB", "1.0 GiB"))
    assert settings["temp_directory"] == f"{database}.tmp"
