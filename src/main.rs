//! The `gongkai` binary: parse arguments, run, map the outcome to an exit code.

use clap::Parser;

fn main() {
    let cli = gongkai::cli::Cli::parse();
    match gongkai::run(&cli) {
        Ok(report) => print!("{report}"),
        Err(failure) => {
            if let gongkai::Failure::Reported { stdout, .. } = &failure {
                print!("{stdout}");
            }
            eprint!("{}", failure.render());
            std::process::exit(failure.exit_code());
        }
    }
}
