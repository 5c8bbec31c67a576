extension ConnectionLoader {
    /// The profile a command uses and what chose it: `--profile`, then
    /// `ZDSH_PROFILE`, then the profile `zdsh auth use` made current, then `default`.
    public func profileChoice(_ flags: Flags = Flags()) -> (name: String, source: ProfileSource) {
        if let p = flags.profile { return (p, .flag) }
        if let p = nonEmpty("ZDSH_PROFILE") { return (p, .environment) }
        if let p = CurrentProfile.standard(environment: environment).read() { return (p, .current) }
        return ("default", .fallback)
    }
}
