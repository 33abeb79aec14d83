namespace Axolotl.SeedImages.Servers;

/// <summary>The postgres image's docker-entrypoint.sh: the official image's environment contract, written for this image.</summary>
public static class PostgresEntrypoint
{
    public const string Script = """
        #!/bin/bash
        # The official postgres image's contract: POSTGRES_PASSWORD/_USER/_DB (or *_FILE), POSTGRES_INITDB_ARGS,
        # POSTGRES_HOST_AUTH_METHOD; initdb on first start, /docker-entrypoint-initdb.d, then the server as postgres.
        set -Eeo pipefail

        # file_env VAR [DEFAULT]: VAR from itself or from the file VAR_FILE names (not both).
        file_env() {
            local var="$1" fileVar="${1}_FILE" def="${2:-}" val
            if [ "${!var:-}" ] && [ "${!fileVar:-}" ]; then
                echo >&2 "error: both $var and $fileVar are set (but are exclusive)"
                exit 1
            fi
            val="$def"
            if [ "${!var:-}" ]; then
                val="${!var}"
            elif [ "${!fileVar:-}" ]; then
                val="$(< "${!fileVar}")"
            fi
            export "$var"="$val"
            unset "$fileVar"
        }

        if [ "${1:0:1}" = '-' ]; then
            set -- postgres "$@"
        fi

        if [ "$1" = postgres ]; then
            file_env POSTGRES_PASSWORD
            file_env POSTGRES_USER postgres
            file_env POSTGRES_DB "$POSTGRES_USER"
            file_env POSTGRES_INITDB_ARGS
            if [ "$(id -u)" = 0 ]; then
                # As root: own the data and socket folders, then run this script again as postgres.
                mkdir -p "$PGDATA" /run/postgresql
                chown -R postgres:postgres "$PGDATA" /run/postgresql
                chmod 700 "$PGDATA"
                chmod 3777 /run/postgresql
                exec setpriv --reuid=postgres --regid=postgres --init-groups "$BASH_SOURCE" "$@"
            fi

            if [ ! -s "$PGDATA/PG_VERSION" ]; then
                auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
                if [ -z "$POSTGRES_PASSWORD" ] && [ "$auth" != trust ]; then
                    echo >&2 'Error: Database is uninitialized and superuser password is not specified.'
                    echo >&2 '       You must specify POSTGRES_PASSWORD to a non-empty value for the superuser.'
                    echo >&2 '       For example, "-e POSTGRES_PASSWORD=password" on "docker run".'
                    echo >&2 '       Or POSTGRES_HOST_AUTH_METHOD=trust to allow all connections without a password.'
                    exit 1
                fi
                pwfile="$(mktemp)"
                printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
                # shellcheck disable=SC2086
                initdb --username="$POSTGRES_USER" --pwfile="$pwfile" $POSTGRES_INITDB_ARGS
                rm -f "$pwfile"
                printf "\nlisten_addresses = '*'\n" >> "$PGDATA/postgresql.conf"
                printf '\nhost all all all %s\n' "$auth" >> "$PGDATA/pg_hba.conf"

                # A server on the socket only, for the database and the init scripts.
                pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start
                export PGPASSWORD="$POSTGRES_PASSWORD"
                psql=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
                if [ "$POSTGRES_DB" != postgres ]; then
                    "${psql[@]}" --dbname postgres --set db="$POSTGRES_DB" <<< 'CREATE DATABASE :"db" ;'
                fi
                for f in /docker-entrypoint-initdb.d/*; do
                    case "$f" in
                        *.sh) echo "$0: running $f"; . "$f" ;;
                        *.sql) echo "$0: running $f"; "${psql[@]}" --dbname "$POSTGRES_DB" -f "$f" ;;
                        *.sql.gz) echo "$0: running $f"; gunzip -c "$f" | "${psql[@]}" --dbname "$POSTGRES_DB" ;;
                        *) if [ -e "$f" ]; then echo "$0: ignoring $f"; fi ;;
                    esac
                done
                unset PGPASSWORD
                pg_ctl -D "$PGDATA" -m fast -w stop
                echo 'PostgreSQL init process complete; ready for start up.'
            fi
        fi

        exec "$@"

        """;
}
