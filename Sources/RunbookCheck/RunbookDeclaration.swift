/// What a runbook file declares, read from its text without running it.
package enum RunbookDeclaration {
    /// The names in its `params = {…}`, in the order written.
    package static func parameterNames(in bytes: [UInt8]) -> [String] {
        let scan = RunbookScan(tokens: LuaTokenizer.tokens(bytes))
        guard let params = scan.declaration?.spec["params"]?.value.table else { return [] }
        return params.fields.compactMap { if case .name(let n) = $0.key { return n } else { return nil } }
    }
}
