//! The `gongkai` binary: parse arguments, run, map the outcome to an exit code.

use clap::Parser;

// Profile lesson: a build allocates and frees hundreds of thousands of small strings and
// view values from two threads at once, and glibc's allocator spent a third of a preview
// rebuild consolidating and unlinking free chunks. mimalloc keeps per-thread free lists:
// the medium corpus builds ~15% faster and a preview rebuild takes half the time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Profile lesson: with transparent huge pages, each page fault of the allocator's memory
    // made the kernel clear 2 MiB, a tenth of a medium build's CPU, and the build held 155–165
    // MiB where it uses 110–120. mimalloc is built not to ask for them (feature no_thp); this
    // also turns them off where the system gives them unasked (`enabled` = always).
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE takes integer arguments and touches no memory.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
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
