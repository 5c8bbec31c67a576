import DeskCatalog

/// Foundation also exports an `Operation` (NSOperation); inside this module
/// the name always means the catalog's operation descriptor.
typealias Operation = DeskCatalog.Operation
