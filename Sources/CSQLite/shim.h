#include <sqlite3.h>

/// sqlite3_db_config is variadic, which Swift cannot call: the one setting we need.
/// A file about to be deleted must not first copy its WAL into itself on close.
static inline int connhost_sqlite3_skip_checkpoint_on_close(sqlite3 *db) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)0);
}
