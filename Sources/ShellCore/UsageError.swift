/// A mistake in how zdsh was invoked or a runbook was declared: exit 2,
/// shown as the message alone.
package struct UsageError: Error, CustomStringConvertible, Sendable {
    package let description: String
    package init(_ d: String) { description = d }
}
