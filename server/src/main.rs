//! `server` — run Linju.
//!   server [serve]                          serve the API and the app (configured by environment)
//!   server migrate                          apply migrations and exit
//!   server seed --residents N [--seed S]    generate a district-size data set into an empty database
//!   server seed --map-bench                 the map benchmark's community (10,000 buildings, 2,000 cases)
//!   server backup --to FILE                 a consistent copy of the database, while serving
//!   server restore --from FILE [--replace]  put a backup in place as the database

use server::config::Config;
use server::demo;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

fn usage() -> ExitCode {
    eprintln!(
        "usage: server [serve] | server migrate | server seed --residents N [--seed S] | server seed --map-bench\n       \
         server backup --to FILE | server restore --from FILE [--replace]"
    );
    ExitCode::from(2)
}

#[tokio::main]
async fn main() -> ExitCode {
    let json_logs = std::env::var("LINJU_LOG_FORMAT").is_ok_and(|v| v == "json");
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    if json_logs {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .json()
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    match args.first().map(String::as_str) {
        None | Some("serve") => serve(config).await,
        Some("migrate") => {
            let cfg = Config {
                demo: false,
                ..config
            };
            match server::prepare(cfg).await {
                Ok(_) => {
                    println!("migrations applied");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("seed") => seed(config, &args[1..]).await,
        Some("backup") => match args.get(1..) {
            Some([flag, to]) if flag == "--to" => {
                report(server::backup::backup(&config.database_url, to.as_ref()).await)
            }
            _ => usage(),
        },
        Some("restore") => match args.get(1..) {
            Some([flag, from, rest @ ..])
                if flag == "--from" && (rest.is_empty() || rest == ["--replace"]) =>
            {
                let replace = !rest.is_empty();
                report(server::backup::restore(&config.database_url, from.as_ref(), replace).await)
            }
            _ => usage(),
        },
        _ => usage(),
    }
}

fn report(outcome: Result<String, String>) -> ExitCode {
    match outcome {
        Ok(done) => {
            println!("{done}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> ExitCode {
    let addr = std::net::SocketAddr::new(config.host, config.port);
    let demo = config.demo;
    let demo_password = config.demo_password.clone();
    let state = match server::prepare(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let site_built = state.site.built;
    server::start_housekeeping(state.clone());
    if let Some(every) = state.config.supervision_every {
        server::supervision::scheduler::start(state.clone(), every, state.config.supervision_ahead);
    }
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let local = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_else(|_| addr.to_string());
    if demo {
        println!("Demo accounts (password: {demo_password}):");
        for (username, display, role, _) in demo::DEMO_ACCOUNTS {
            println!(
                "  {username:<11} {display} ({})",
                role.label(shared::i18n::Lang::ZhCn)
            );
        }
        let (username, display) = demo::DEMO_ELDER_ACCOUNT;
        println!(
            "  {username:<11} {display} ({}, 长辈版)",
            shared::accounts::Role::Resident.label(shared::i18n::Lang::ZhCn)
        );
    }
    if !site_built {
        println!("Note: the browser app is not built; run `make run` to build and serve it.");
    }
    // Tests and scripts wait for this exact line.
    println!("Linju is listening on http://{local}");
    match server::serve_state(state, listener).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("server error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The map benchmark's community: 10,000 buildings and households, 2,000 open cases, and
/// the demo accounts (password `LINJU_DEMO_PASSWORD`).
async fn seed_map_bench(config: Config) -> ExitCode {
    let password = config.demo_password.clone();
    let cfg = Config {
        demo: false,
        ..config
    };
    let state = match server::prepare(cfg).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let started = std::time::Instant::now();
    match demo::seed_map_bench(&state.db, &password, 2_000, 7).await {
        Ok(c) => {
            println!(
                "generated {} places, {} residents and 2000 cases in {:.1} s",
                c.places,
                c.residents,
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("seed failed (the database must have no places yet): {e}");
            ExitCode::FAILURE
        }
    }
}

async fn seed(config: Config, args: &[String]) -> ExitCode {
    if args.first().map(String::as_str) == Some("--map-bench") {
        return seed_map_bench(config).await;
    }
    let mut residents = None;
    let mut seed = 7u64;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match (a.as_str(), it.next().map(|v| v.parse::<u64>())) {
            ("--residents", Some(Ok(n))) => residents = Some(n as usize),
            ("--seed", Some(Ok(s))) => seed = s,
            _ => return usage(),
        }
    }
    let Some(residents) = residents else {
        return usage();
    };
    let cfg = Config {
        demo: false,
        ..config
    };
    let state = match server::prepare(cfg).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let plan = demo::Plan::district(residents, seed);
    let started = std::time::Instant::now();
    match demo::generate(&state.db, &plan, false).await {
        Ok(c) => {
            println!(
                "generated {} places and {} residents in {:.1} s ({plan:?})",
                c.places,
                c.residents,
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("seed failed (the database must have no places yet): {e}");
            ExitCode::FAILURE
        }
    }
}
