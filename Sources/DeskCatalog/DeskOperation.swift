/// Foundation also exports a type named `Operation` (NSOperation), so a file that
/// imports both Foundation and DeskCatalog finds `Operation` ambiguous. Such files
/// can write `DeskOperation` (or `DeskCatalog.Operation`) instead.
public typealias DeskOperation = Operation
