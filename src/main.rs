fn main() -> std::process::ExitCode {
    sandbench::cli::main()
}
