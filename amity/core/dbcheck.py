"""`python -m amity.core.dbcheck URL`: exit 0 when that PostgreSQL database answers within 3 seconds."""

import sys


def reachable(url: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("select 1")
        return True
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        print(f"PostgreSQL check: {exc.__class__.__name__}: {str(exc).strip()[:200]}", file=sys.stderr)
        return False


if __name__ == "__main__":
    sys.exit(0 if reachable(sys.argv[1]) else 1)
