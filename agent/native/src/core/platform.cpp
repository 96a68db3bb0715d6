#include "platform.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#ifdef _WIN32
#include <bcrypt.h>
#include <windows.h>
#else
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#endif
#include <cstring>
#include <filesystem>

namespace uevrprof {

#ifdef _WIN32
bool netInit() {
  WSADATA d;
  return WSAStartup(MAKEWORD(2, 2), &d) == 0;
}
void sockClose(sock_t s) { closesocket(s); }
void sockShutdownWrite(sock_t s) { shutdown(s, SD_SEND); }
bool sockNonBlocking(sock_t s) {
  u_long on = 1;
  return ioctlsocket(s, FIONBIO, &on) == 0;
}
static bool wouldBlock() { return WSAGetLastError() == WSAEWOULDBLOCK; }
#else
bool netInit() { return true; }
void sockClose(sock_t s) { ::close(s); }
void sockShutdownWrite(sock_t s) { ::shutdown(s, SHUT_WR); }
bool sockNonBlocking(sock_t s) {
  int fl = fcntl(s, F_GETFL, 0);
  return fl >= 0 && fcntl(s, F_SETFL, fl | O_NONBLOCK) == 0;
}
static bool wouldBlock() { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR; }
#endif

sock_t listenLoopback(int port, int& boundPort) {
  sock_t s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (s == kBadSock) return kBadSock;
#ifdef _WIN32
  // Exclusive: another process must not be able to bind the same port and steal connections.
  BOOL excl = TRUE;
  setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char*)&excl, sizeof excl);
#endif
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(uint16_t(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(s, (sockaddr*)&a, sizeof a) != 0 || listen(s, 16) != 0 || !sockNonBlocking(s)) {
    sockClose(s);
    return kBadSock;
  }
  socklen_t len = sizeof a;
  getsockname(s, (sockaddr*)&a, &len);
  boundPort = ntohs(a.sin_port);
  return s;
}

sock_t acceptConn(sock_t listener) {
  sock_t c = accept(listener, nullptr, nullptr);
  if (c == kBadSock) return kBadSock;
  sockNonBlocking(c);
  int one = 1;
  setsockopt(c, IPPROTO_TCP, TCP_NODELAY, (const char*)&one, sizeof one);
  return c;
}

long sockRecv(sock_t s, char* buf, size_t len) {
  long n = long(recv(s, buf, int(len), 0));
  if (n >= 0) return n;
  return wouldBlock() ? -2 : -1;
}

long sockSend(sock_t s, const char* buf, size_t len) {
#ifdef MSG_NOSIGNAL
  long n = long(send(s, buf, len, MSG_NOSIGNAL));
#else
  long n = long(send(s, buf, int(len), 0));
#endif
  if (n >= 0) return n;
  return wouldBlock() ? -2 : -1;
}

int pollSockets(const sock_t* fds, const bool* wantWrite, bool* readable, bool* writable, int n, int timeoutMs) {
#ifdef _WIN32
  std::vector<WSAPOLLFD> p(static_cast<size_t>(n));
#else
  std::vector<pollfd> p(static_cast<size_t>(n));
#endif
  for (int i = 0; i < n; i++) {
    p[size_t(i)].fd = fds[i];
    p[size_t(i)].events = short(POLLIN | (wantWrite[i] ? POLLOUT : 0));
    p[size_t(i)].revents = 0;
  }
#ifdef _WIN32
  int r = WSAPoll(p.data(), ULONG(n), timeoutMs);
#else
  int r = poll(p.data(), nfds_t(n), timeoutMs);
#endif
  for (int i = 0; i < n; i++) {
    short re = p[size_t(i)].revents;
    readable[i] = (re & (POLLIN | POLLHUP | POLLERR)) != 0;
    writable[i] = (re & POLLOUT) != 0;
  }
  return r;
}

bool randomBytes(unsigned char* out, size_t n) {
#ifdef _WIN32
  return BCryptGenRandom(nullptr, out, ULONG(n), BCRYPT_USE_SYSTEM_PREFERRED_RNG) == 0;
#else
  FILE* f = std::fopen("/dev/urandom", "rb");
  if (!f) return false;
  size_t got = std::fread(out, 1, n, f);
  std::fclose(f);
  return got == n;
#endif
}

int processId() {
#ifdef _WIN32
  return int(GetCurrentProcessId());
#else
  return int(getpid());
#endif
}

#ifdef _WIN32
static std::string envUtf8(const wchar_t* name) {
  const wchar_t* v = _wgetenv(name);
  if (!v || !*v) return {};
  int n = WideCharToMultiByte(CP_UTF8, 0, v, -1, nullptr, 0, nullptr, nullptr);
  std::string s(size_t(n > 0 ? n - 1 : 0), '\0');
  if (n > 1) WideCharToMultiByte(CP_UTF8, 0, v, -1, &s[0], n, nullptr, nullptr);
  return s;
}
#endif

std::string defaultSessionsDir() {
#ifdef _WIN32
  std::string d = envUtf8(L"UEVR_PROFILER_SESSIONS_DIR");
  if (!d.empty()) return d;
  std::string app = envUtf8(L"APPDATA");
  if (app.empty()) app = envUtf8(L"USERPROFILE") + "\\AppData\\Roaming";
  return app + "\\UnrealVRMod\\profiler-sessions";
#else
  const char* d = std::getenv("UEVR_PROFILER_SESSIONS_DIR");
  if (d && *d) return d;
  const char* xdg = std::getenv("XDG_STATE_HOME");
  if (xdg && *xdg) return std::string(xdg) + "/uevr-profiler/sessions";
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.local/state/uevr-profiler/sessions";
#endif
}

std::string isoNow() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  int ms = int(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
  std::tm tm{};
#ifdef _WIN32
  gmtime_s(&tm, &t);
#else
  gmtime_r(&t, &tm);
#endif
  char b[96];
  std::snprintf(b, sizeof b, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, ms);
  return b;
}

static std::string randomHex(size_t bytes) {
  std::vector<unsigned char> b(bytes);
  if (!randomBytes(b.data(), b.size())) return {};
  static const char* d = "0123456789abcdef";
  std::string s;
  for (unsigned char c : b) { s += d[c >> 4]; s += d[c & 15]; }
  return s;
}

#ifdef _WIN32
static std::wstring wide(const std::string& u8) {
  int n = MultiByteToWideChar(CP_UTF8, 0, u8.c_str(), -1, nullptr, 0);
  std::wstring w(size_t(n > 0 ? n - 1 : 0), L'\0');
  if (n > 1) MultiByteToWideChar(CP_UTF8, 0, u8.c_str(), -1, &w[0], n);
  return w;
}

bool ensurePrivateDir(const std::string& dir, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::u8path(dir), ec);
  if (ec) { error = "cannot create the sessions folder " + dir + ": " + ec.message(); return false; }
  return true;
}

bool writePrivateFileAtomic(const std::string& dir, const std::string& name, const std::string& body, std::string& error) {
  std::string rnd = randomHex(16);
  if (rnd.empty()) { error = "no secure random source"; return false; }
  std::wstring tmp = wide(dir + "\\.session-" + rnd + ".tmp");
  std::wstring dst = wide(dir + "\\" + name);
  // CREATE_NEW: fails when anything (a file, a link) already has the name; the ACL is inherited.
  HANDLE h = CreateFileW(tmp.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) { error = "cannot create a temp file in " + dir; return false; }
  DWORD done = 0;
  BOOL ok = WriteFile(h, body.data(), DWORD(body.size()), &done, nullptr) && done == body.size();
  ok = CloseHandle(h) && ok;
  if (!ok || !MoveFileExW(tmp.c_str(), dst.c_str(), MOVEFILE_REPLACE_EXISTING)) {
    DeleteFileW(tmp.c_str());
    error = "cannot write the discovery file in " + dir;
    return false;
  }
  return true;
}
#else
bool ensurePrivateDir(const std::string& dir, std::string& error) {
  // Parents as the user's umask makes them; the sessions folder itself 0700.
  std::string path;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    path = dir.substr(0, pos);
    if (path.empty()) continue;
    if (::mkdir(path.c_str(), pos == std::string::npos ? 0700 : 0777) != 0 && errno != EEXIST) {
      error = "cannot create the sessions folder " + path + ": " + std::strerror(errno);
      return false;
    }
  }
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) { error = "sessions folder " + dir + " is not a folder"; return false; }
  if (st.st_uid == ::getuid() && (st.st_mode & 077) != 0 && ::chmod(dir.c_str(), 0700) != 0) {
    error = "cannot make the sessions folder " + dir + " private: " + std::strerror(errno);
    return false;
  }
  return true;
}

bool writePrivateFileAtomic(const std::string& dir, const std::string& name, const std::string& body, std::string& error) {
  std::string rnd = randomHex(16);
  if (rnd.empty()) { error = "no secure random source"; return false; }
  std::string tmp = dir + "/.session-" + rnd + ".tmp";
  std::string dst = dir + "/" + name;
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) { error = "cannot create a temp file in " + dir + ": " + std::strerror(errno); return false; }
  size_t off = 0;
  bool ok = true;
  while (off < body.size()) {
    ssize_t n = ::write(fd, body.data() + off, body.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) { ok = false; break; }
    off += size_t(n);
  }
  if (::close(fd) != 0) ok = false;
  if (!ok || ::rename(tmp.c_str(), dst.c_str()) != 0) {
    error = "cannot write the discovery file " + dst + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}
#endif

}  // namespace uevrprof
