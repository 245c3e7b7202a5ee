import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// URLSession configurations that keep nothing on disk: no response cache, no cookies.
///
/// Responses hold user lists and e-mail addresses; they must never land in a cache file.
/// `urlCache = nil` alone is not enough on Linux: creating any configuration makes
/// FoundationNetworking create `~/.cache/org.swift.foundation.URLCache/<program>` and a
/// cookie directory under `~/.local/share`. So one template is made, once, while
/// `XDG_CACHE_HOME` and `XDG_DATA_HOME` point at `/dev/null` (where no directory can be
/// created), and every session copies it.
public enum EphemeralSession {
    /// A fresh configuration without cache or cookie storage.
    public static func configuration() -> URLSessionConfiguration {
        // The template is never changed after it is made, so copying it from any thread is safe.
        template.copy() as! URLSessionConfiguration
    }

    /// Makes the template now; a program calls this first thing, before it starts threads
    /// (the template changes the environment for a moment).
    public static func prepare() {
        _ = template
    }

    private nonisolated(unsafe) static let template: URLSessionConfiguration = {
        let names = ["XDG_CACHE_HOME", "XDG_DATA_HOME"]
        let saved = names.map { name in getenv(name).map { String(cString: $0) } }
        for name in names { setenv(name, "/dev/null", 1) }
        defer {
            for (name, value) in zip(names, saved) {
                if let value { setenv(name, value, 1) } else { unsetenv(name) }
            }
        }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        return configuration
    }()
}
