fn main() -> std::process::ExitCode {
    cinder::run(std::env::args_os())
}
