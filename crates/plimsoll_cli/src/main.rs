//! Entry point of the `plimsoll` binary (built by the root package).

fn main() -> std::process::ExitCode {
    plimsoll_cli::main()
}
