/// A shared library that is not a connhost plugin: no entry symbols at all.
public func notAPlugin() -> Int { 42 }
