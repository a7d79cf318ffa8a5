//! The store ([`Db`]) through its public API, on both backends (`sqlite::NAME`,
//! `postgres::NAME`): dedupe, the filters, the export, the order received; both backends give
//! the same answers to the same filters; then what only PostgreSQL has (tables created by
//! processes starting together, deadlocks run again, a lost connection opened again, a table
//! of another shape, NUL characters).

mod common;

use common::{on_both_backends, pg, Backend};
use nps_core::{Batch, Properties, PropertyValue, Response};
use nps_server::db::{Db, DbError, DbLocation, Filter, Inserted};

fn response(id: &str, score: u8, touchpoint: &str, answered_at: &str) -> Response {
    Response {
        id: id.to_string(),
        score,
        comment: None,
        touchpoint: touchpoint.to_string(),
        locale: "en".to_string(),
        answered_at: answered_at.to_string(),
        page: String::new(),
        properties: Properties::new(),
    }
}

fn batch(responses: Vec<Response>) -> Batch {
    Batch::new("b1".into(), "2026-11-22T10:00:00Z".into(), responses)
}

/// A fresh database of `backend` (the temp dir holds the SQLite file).
fn fresh(backend: Backend) -> (tempfile::TempDir, DbLocation) {
    let dir = tempfile::tempdir().unwrap();
    let location = DbLocation::from_arg(&backend.fresh_db(dir.path())).unwrap();
    (dir, location)
}

fn open(backend: Backend) -> (tempfile::TempDir, DbLocation, Db) {
    let (dir, location) = fresh(backend);
    let db = Db::open(&location).unwrap_or_else(|e| panic!("{e}"));
    (dir, location, db)
}

fn tally(db: &mut Db, filter: &Filter) -> nps_core::Tally {
    let mut t = nps_core::Tally::new();
    db.each_score(filter, |score, _, _| {
        let _ = t.add(score);
    })
    .unwrap();
    t
}

fn export(db: &mut Db, filter: &Filter) -> String {
    String::from_utf8(db.export_csv(filter, Vec::new()).unwrap()).unwrap()
}

fn dedupes_within_and_across_batches(backend: Backend) {
    let (_dir, _, mut db) = open(backend);
    let b = batch(vec![
        response("a", 9, "checkout", "2026-11-22T09:00:00Z"),
        response("b", 3, "checkout", "2026-11-22T09:00:00Z"),
        response("a", 9, "checkout", "2026-11-22T09:00:00Z"),
    ]);
    let first = db.insert_batch(&b, "2026-11-22T10:00:00Z").unwrap();
    assert_eq!(
        first,
        Inserted {
            accepted: 2,
            duplicates: 1
        }
    );
    let again = db.insert_batch(&b, "2026-11-22T10:00:01Z").unwrap();
    assert_eq!(
        again,
        Inserted {
            accepted: 0,
            duplicates: 3
        }
    );
    assert_eq!(db.count().unwrap(), 2);
}

fn each_score_filters_touchpoint_and_window_across_offsets(backend: Backend) {
    let (_dir, _, mut db) = open(backend);
    db.insert_batch(
        &batch(vec![
            response("1", 10, "checkout", "2026-11-21T23:59:59Z"),
            // 2026-11-22T00:30:00Z written with an offset
            response("2", 0, "checkout", "2026-11-21T19:30:00-05:00"),
            response("3", 9, "delivery", "2026-11-22T12:00:00.250Z"),
            response("4", 7, "checkout", "2026-11-23T00:00:00Z"),
        ]),
        "now",
    )
    .unwrap();
    let all = tally(&mut db, &Filter::default());
    assert_eq!(all.n(), 4);
    let checkout = tally(
        &mut db,
        &Filter {
            touchpoint: Some("checkout".into()),
            ..Filter::default()
        },
    );
    assert_eq!(
        (checkout.n(), checkout.promoters(), checkout.detractors()),
        (3, 1, 1)
    );
    let day = 1_795_305_600_000; // 2026-11-22T00:00:00Z
    let nov22 = tally(
        &mut db,
        &Filter {
            touchpoint: None,
            from_ms: Some(day),
            to_ms: Some(day + 86_400_000),
        },
    );
    assert_eq!(
        (nov22.n(), nov22.count(0), nov22.count(9)),
        (2, 1, 1),
        "half-open window [00:00, next 00:00)"
    );
}

fn export_quotes_per_rfc4180(backend: Backend) {
    let (_dir, _, mut db) = open(backend);
    let mut r = response("x", 8, "check,out", "2026-11-22T09:00:00Z");
    r.comment = Some("said \"hi\",\nthen left".into());
    r.properties
        .insert("order".into(), PropertyValue::String("A-17".into()));
    r.properties.insert("n".into(), PropertyValue::Number(17.0));
    r.properties.insert("f".into(), PropertyValue::Number(1.5));
    r.properties.insert("ok".into(), PropertyValue::Bool(true));
    db.insert_batch(&batch(vec![r]), "now").unwrap();
    assert_eq!(
        export(&mut db, &Filter::default()),
        "id,score,comment,touchpoint,locale,answered_at,page,properties\r\n\
         x,8,\"said \"\"hi\"\",\nthen left\",\"check,out\",en,2026-11-22T09:00:00Z,,\
         \"{\"\"f\"\":1.5,\"\"n\"\":17,\"\"ok\"\":true,\"\"order\"\":\"\"A-17\"\"}\"\r\n"
    );
}

fn export_keeps_the_order_received(backend: Backend) {
    let (_dir, _, mut db) = open(backend);
    let at = "2026-11-22T09:00:00Z";
    db.insert_batch(
        &batch(vec![
            response("z", 1, "t", at),
            response("a", 2, "t", at),
            response("m", 3, "t", at),
        ]),
        "now",
    )
    .unwrap();
    db.insert_batch(
        &batch(vec![response("b", 4, "t", at), response("a", 5, "t", at)]),
        "now",
    )
    .unwrap();
    let csv = export(&mut db, &Filter::default());
    let ids: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids, ["z", "a", "m", "b"]);
    let mut scores = Vec::new();
    db.each_score(&Filter::default(), |s, _, _| scores.push(s))
        .unwrap();
    assert_eq!(scores, [1, 2, 3, 4], "the first answer of an id stays");
}

fn a_failed_batch_stores_nothing(backend: Backend) {
    let (_dir, _, mut db) = open(backend);
    // Not validated: the table's CHECK refuses the second response, after the first went in.
    let bad = batch(vec![
        response("ok", 9, "t", "2026-11-22T09:00:00Z"),
        response("bad", 11, "t", "2026-11-22T09:00:00Z"),
    ]);
    let err = db.insert_batch(&bad, "now").unwrap_err();
    assert!(matches!(err, DbError::Sql(_) | DbError::Pg(_)), "{err}");
    assert_eq!(db.count().unwrap(), 0);
    // The connection is still usable.
    let good = batch(vec![response("ok", 9, "t", "2026-11-22T09:00:00Z")]);
    assert_eq!(db.insert_batch(&good, "now").unwrap().accepted, 1);
}

/// SQLite stores a NUL character; PostgreSQL's text cannot, and the batch is refused as a
/// client error naming the field (a 400: the widget does not retry it for ever).
fn a_nul_character(backend: Backend) {
    let (_dir, _, mut db) = open(backend);
    let mut r = response("n", 9, "t", "2026-11-22T09:00:00Z");
    r.comment = Some("a\0b".into());
    let b = batch(vec![response("m", 9, "t", "2026-11-22T09:00:00Z"), r]);
    match (backend, db.insert_batch(&b, "now")) {
        (Backend::Sqlite, Ok(inserted)) => assert_eq!(inserted.accepted, 2),
        (Backend::Postgres, Err(DbError::Unstorable { field, error })) => {
            assert_eq!(field, "responses[1].comment");
            assert_eq!(
                error,
                "responses[1].comment: must not contain the NUL character (U+0000), which this \
                 receiver's database (PostgreSQL) cannot store"
            );
            assert_eq!(db.count().unwrap(), 0);
        }
        (backend, other) => panic!("{backend:?}: {other:?}"),
    }
}

on_both_backends!(
    dedupes_within_and_across_batches,
    each_score_filters_touchpoint_and_window_across_offsets,
    export_quotes_per_rfc4180,
    export_keeps_the_order_received,
    a_failed_batch_stores_nothing,
    a_nul_character,
);

/// The same responses in both backends give the same summary rows and the same export for
/// every filter: offsets, fractions, bounds on and around each instant, touchpoints that
/// differ only in case, bounds beyond i64.
#[test]
fn both_backends_give_the_same_answers_to_the_same_filters() {
    let answered = [
        "2026-11-21T23:59:59Z",
        "2026-11-21T23:59:59.999Z",
        "2026-11-22T00:00:00Z",
        "2026-11-21T19:30:00-05:00",
        "2026-11-22T05:30:00+05:30",
        "2026-11-22T12:00:00.250Z",
        "2026-11-22T12:00:00.2509Z",
        "2026-11-22t12:00:00z",
        "2026-11-23T00:00:00Z",
        "2026-11-23T00:59:59.999+01:00",
        "2028-02-29T12:00:00Z",
        "1970-01-01T00:00:00Z",
    ];
    let touchpoints = ["checkout", "Checkout", "delivery", "check out"];
    let responses: Vec<Response> = answered
        .iter()
        .enumerate()
        .map(|(i, at)| {
            let mut r = response(&format!("r{i}"), (i % 11) as u8, touchpoints[i % 4], at);
            r.comment = (i % 3 == 0).then(|| format!("comment {i}, \"quoted\""));
            r
        })
        .collect();
    let mut dbs = [Backend::Sqlite, Backend::Postgres].map(|backend| {
        let (dir, _, mut db) = open(backend);
        db.insert_batch(&batch(responses.clone()), "2026-11-24T00:00:00Z")
            .unwrap();
        (dir, db)
    });
    let mut bounds: Vec<Option<u64>> = vec![None, Some(0), Some(u64::MAX)];
    for at in answered {
        let ms = nps_core::time::unix_ms_from_rfc3339(at).unwrap();
        bounds.extend([ms.checked_sub(1), Some(ms), Some(ms + 1)]);
    }
    // Each bound alone as `from` and as `to`, and windows between neighbouring bounds.
    let mut windows: Vec<(Option<u64>, Option<u64>)> = Vec::new();
    for (i, &bound) in bounds.iter().enumerate() {
        windows.extend([(bound, None), (None, bound)]);
        windows.extend(bounds[i + 1..].iter().take(3).map(|&to| (bound, to)));
    }
    let mut compared = 0;
    for touchpoint in [None, Some("checkout"), Some("Checkout"), Some("nowhere")] {
        for &(from_ms, to_ms) in &windows {
            let filter = Filter {
                touchpoint: touchpoint.map(String::from),
                from_ms,
                to_ms,
            };
            let [sqlite, postgres] = dbs.each_mut().map(|(_, db)| {
                let mut rows = Vec::new();
                db.each_score(&filter, |s, t, a| {
                    rows.push((s, t.to_string(), a.to_string()))
                })
                .unwrap();
                (rows, export(db, &filter))
            });
            assert_eq!(sqlite, postgres, "{filter:?}");
            compared += 1;
        }
    }
    assert!(compared > 500, "{compared}");
}

// ---- PostgreSQL only ----

fn postgres_location() -> DbLocation {
    DbLocation::from_arg(pg::database().as_ref()).unwrap()
}

/// Processes starting together on an empty database all find (or make) the table.
#[test]
fn processes_starting_together_create_the_table_once() {
    let location = postgres_location();
    let opened: Vec<Result<Db, DbError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8).map(|_| s.spawn(|| Db::open(&location))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for db in opened {
        let mut db = db.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(db.count().unwrap(), 0);
    }
}

/// Two transactions that take the same ids in opposite orders deadlock; PostgreSQL aborts one.
/// When it is the batch's, the batch is run again rather than answered with a 500.
#[test]
fn a_deadlocked_batch_is_run_again() {
    let location = postgres_location();
    let DbLocation::Postgres(url) = &location else {
        unreachable!()
    };
    let mut db = Db::open(&location).unwrap();
    let mut other = ::postgres::Client::connect(url.expose(), ::postgres::NoTls).unwrap();
    let insert = "INSERT INTO responses (id, score, touchpoint, locale, answered_at, page, \
                  properties, batch_id, received_at) \
                  VALUES ($1, 5, 't', 'en', '2026-11-22T09:00:00Z', '', '{}', 'other', 'now')";
    let mut tx = other.transaction().unwrap();
    tx.execute(insert, &[&"b"]).unwrap();
    let at = "2026-11-22T09:00:00Z";
    let b = batch(vec![response("a", 9, "t", at), response("b", 9, "t", at)]);
    let (inserted, other_outcome) = std::thread::scope(|s| {
        // The batch stores a, then waits for the other transaction's b…
        let batch_thread = s.spawn(|| db.insert_batch(&b, "now"));
        let waiting = "SELECT count(*) FROM pg_stat_activity \
                       WHERE application_name = 'nps serve' AND wait_event_type = 'Lock'";
        let cluster = pg::cluster();
        let mut seen = false;
        for _ in 0..500 {
            let rows = cluster.query("postgres", waiting);
            if rows[0][0].as_deref() != Some("0") {
                seen = true;
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(seen, "the batch never waited for the other transaction");
        // …which now wants a: a deadlock, found after deadlock_timeout.
        let other_outcome = tx.execute(insert, &[&"a"]).map(|_| ());
        match &other_outcome {
            Ok(()) => tx.commit().unwrap(),
            Err(_) => tx.rollback().unwrap(),
        }
        (batch_thread.join().unwrap(), other_outcome)
    });
    let inserted = inserted.unwrap_or_else(|e| panic!("the batch failed: {e}"));
    match other_outcome {
        // The batch was aborted and run again, after the other transaction stored a and b.
        Ok(()) => assert_eq!(
            inserted,
            Inserted {
                accepted: 0,
                duplicates: 2
            }
        ),
        // The other transaction was aborted: the batch went on.
        Err(e) => {
            assert_eq!(
                e.code(),
                Some(&::postgres::error::SqlState::T_R_DEADLOCK_DETECTED),
                "{e}"
            );
            assert_eq!(
                inserted,
                Inserted {
                    accepted: 2,
                    duplicates: 0
                }
            );
        }
    }
    assert_eq!(db.count().unwrap(), 2);
}

/// When the server drops the connection (a restart, an administrator), the read or the batch
/// that meets the break runs again on a new connection.
fn kill_connections(location: &DbLocation) {
    let DbLocation::Postgres(url) = location else {
        unreachable!()
    };
    let name = url.expose().rsplit('/').next().unwrap().to_string();
    let killed = pg::cluster().query(
        "postgres",
        &format!(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE datname = '{name}' AND application_name = 'nps serve'"
        ),
    );
    assert_eq!(killed[0][0].as_deref(), Some("1"));
}

#[test]
fn a_lost_connection_is_opened_again() {
    let location = postgres_location();
    let mut db = Db::open(&location).unwrap();
    let at = "2026-11-22T09:00:00Z";
    db.insert_batch(&batch(vec![response("a", 9, "t", at)]), "now")
        .unwrap();
    kill_connections(&location);
    assert_eq!(db.count().unwrap_or_else(|e| panic!("{e}")), 1);
    kill_connections(&location);
    let b = batch(vec![response("a", 9, "t", at), response("b", 9, "t", at)]);
    assert_eq!(
        db.insert_batch(&b, "now").unwrap_or_else(|e| panic!("{e}")),
        Inserted {
            accepted: 1,
            duplicates: 1
        }
    );
    assert_eq!(db.count().unwrap(), 2);
}

/// A `responses` table that nps serve did not make is a startup error naming the fix.
#[test]
fn a_table_of_another_shape_is_a_startup_error() {
    let location = postgres_location();
    let url = match &location {
        DbLocation::Postgres(url) => url.expose().to_string(),
        DbLocation::Sqlite(_) => unreachable!(),
    };
    common::db_execute(
        std::ffi::OsStr::new(&url),
        "CREATE TABLE responses (id TEXT PRIMARY KEY, score INTEGER)",
    );
    let err = Db::open(&location).err().unwrap().to_string();
    assert!(
        err.starts_with(&format!("cannot use PostgreSQL database {location}: ")),
        "{err}"
    );
    assert!(
        err.contains("the table responses is not the one nps serve makes")
            && err.contains("does not exist")
            && err.ends_with(
                "use another database (or rename that table) and let nps serve create it"
            ),
        "{err}"
    );
    assert!(!err.contains(&pg::cluster().password), "{err}");
}
