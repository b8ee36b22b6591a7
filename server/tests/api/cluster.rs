//! A throwaway Postgres cluster of a test's own, for tests that restart Postgres.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;

pub struct TempCluster {
    pub dir: PathBuf,
    pub port: u16,
    bin: PathBuf,
}

fn pg_bin() -> PathBuf {
    let out = Command::new("sh")
        .args(["-c", "dirname \"$(readlink -f \"$(command -v pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n1)\")\""])
        .output()
        .expect("finding pg_ctl");
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(false)
}

impl TempCluster {
    /// Run a Postgres program as the cluster's owner (`postgres` when we are root).
    fn run(&self, program: &str, args: &[&str]) {
        let path = self.bin.join(program);
        let status = if is_root() {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&path)
                .args(args)
                .status()
        } else {
            Command::new(&path).args(args).status()
        }
        .unwrap_or_else(|e| panic!("running {program}: {e}"));
        assert!(status.success(), "{program} {args:?} failed");
    }

    pub fn start() -> TempCluster {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir =
            std::env::temp_dir().join(format!("switchboard-pg-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        if is_root() {
            assert!(Command::new("chown")
                .args(["postgres:", dir.to_str().unwrap()])
                .status()
                .unwrap()
                .success());
        }
        let c = TempCluster {
            dir,
            port,
            bin: pg_bin(),
        };
        let data = c.dir.to_str().unwrap().to_owned();
        c.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "switchboard",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        let opts = format!("-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off");
        c.run(
            "pg_ctl",
            &[
                "-D",
                &data,
                "-o",
                &opts,
                "-l",
                &format!("{data}/log"),
                "-w",
                "start",
            ],
        );
        c
    }

    pub fn server_url(&self) -> String {
        format!("postgres://switchboard@127.0.0.1:{}", self.port)
    }

    /// Stop (fast) and start again, on the same port.
    pub fn restart(&self) {
        let data = self.dir.to_str().unwrap().to_owned();
        let opts = format!(
            "-p {} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port
        );
        self.run(
            "pg_ctl",
            &["-D", &data, "-o", &opts, "-m", "fast", "-w", "restart"],
        );
    }
}

impl Drop for TempCluster {
    fn drop(&mut self) {
        let data = self.dir.to_str().unwrap().to_owned();
        self.run("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
