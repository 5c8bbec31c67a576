/// The largest file each upload operation accepts, checked before anything
/// is sent (and enforced by the simulator, which answers 413
/// RESOURCE_SIZE_EXCEEDED as Zoho documents for a resource larger than its
/// limit).
///
/// Zoho's OpenAPI description carries no size limits. 20 MB per file is the
/// attachment limit Zoho's help pages state for Desk and CRM records; it is
/// applied to every upload operation, images included, until Zoho documents
/// a lower one for an operation (then add it to `perOperation`).
public enum UploadLimits {
    public static let defaultMaximumBytes = 20 << 20
    static let perOperation: [String: Int] = [:]

    public static func maximumBytes(for operationId: String) -> Int {
        perOperation[operationId] ?? defaultMaximumBytes
    }

    /// "20 MB", "512 KB", "300 bytes".
    public static func describe(_ bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KB" }
        return "\(bytes) bytes"
    }
}
