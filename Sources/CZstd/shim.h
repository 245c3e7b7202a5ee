// ZSTD_c_* parameters and ZSTD_compressStream2 are stable API since libzstd 1.4.0;
// zstd_errors.h gives ZSTD_getErrorCode, to tell a too-large window from other damage.
#include <zstd.h>
#include <zstd_errors.h>
