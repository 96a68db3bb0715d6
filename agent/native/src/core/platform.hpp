// The few OS services the core needs, behind one small interface: loopback TCP sockets, randomness,
// the process id, and the sessions folder. Everything else in the core is portable C++17.
#pragma once
#include <cstdint>
#include <string>

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
namespace uevrprof { using sock_t = SOCKET; constexpr sock_t kBadSock = INVALID_SOCKET; }
#else
namespace uevrprof { using sock_t = int; constexpr sock_t kBadSock = -1; }
#endif

namespace uevrprof {

bool netInit();
void sockClose(sock_t s);
// Sends FIN (no more writes) but keeps the socket open for reading: a close with unread input would
// send RST and make the peer lose the replies (and the reason) it has not read yet.
void sockShutdownWrite(sock_t s);
bool sockNonBlocking(sock_t s);
// Binds 127.0.0.1:port (0 = any free port) and listens; returns kBadSock on failure.
sock_t listenLoopback(int port, int& boundPort);
sock_t acceptConn(sock_t listener);
// Returns bytes read, 0 on orderly close, -1 on error, -2 when nothing is available now.
long sockRecv(sock_t s, char* buf, size_t len);
// Returns bytes written, -1 on error, -2 when the socket cannot take more now.
long sockSend(sock_t s, const char* buf, size_t len);
// Waits up to timeoutMs for readability on `fds` (and writability where wantWrite[i]); fills ready flags.
int pollSockets(const sock_t* fds, const bool* wantWrite, bool* readable, bool* writable, int n, int timeoutMs);

bool randomBytes(unsigned char* out, size_t n);
int processId();
// docs/protocol.md §8: UEVR_PROFILER_SESSIONS_DIR, else %APPDATA%\UnrealVRMod\profiler-sessions on
// Windows, else $XDG_STATE_HOME/uevr-profiler/sessions or ~/.local/state/uevr-profiler/sessions.
// UTF-8 on every platform.
std::string defaultSessionsDir();
std::string isoNow();

// Creates `dir` (and missing parents) owner-only: 0700 on POSIX, an existing folder of ours that is
// more open is tightened; on Windows the folder inherits the user profile's ACL (%APPDATA% is private
// to the user). False + a one-line reason on failure.
bool ensurePrivateDir(const std::string& dir, std::string& error);
// Writes `body` to dir/name atomically for a secret: a new temp file with a random name created
// O_CREAT|O_EXCL|O_NOFOLLOW with mode 0600 from the start (CREATE_NEW on Windows: never an existing
// file or link), every write and the close checked, then renamed over `name`. False + reason on failure.
bool writePrivateFileAtomic(const std::string& dir, const std::string& name, const std::string& body, std::string& error);

}  // namespace uevrprof
