using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;

namespace WebPeerBridge.Web.Sessions;

/// <summary>
/// The browser session cookie: a random 128-bit id issued by the server and signed and encrypted with ASP.NET Core
/// Data Protection, HttpOnly, SameSite=Lax. An id is never taken from a client: a cookie that does not unprotect is
/// ignored and a new session issued.
/// </summary>
internal sealed partial class SessionCookie(IDataProtectionProvider provider, ILogger<SessionCookie> logger)
{
    public const string Name = "wpb-session";

    /// <summary>Where the middleware leaves a freshly issued id for the page being rendered.</summary>
    public const string ItemKey = "wpb-session";

    private readonly IDataProtector _protector = provider.CreateProtector("WebPeerBridge.SessionCookie.v1");

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static bool IsValid(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);

    /// <summary>A short tag of <paramref name="id"/> for logs: it tells sessions apart without being the secret.</summary>
    public static string Tag(string id) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(id)))[..8];

    /// <summary>The cookie value that carries <paramref name="id"/>.</summary>
    public string Protect(string id) => _protector.Protect(id);

    /// <summary>The id a cookie value carries, if the server issued it.</summary>
    public string? Unprotect(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        try
        {
            var id = _protector.Unprotect(value);
            return IsValid(id) ? id : null;
        }
        catch (CryptographicException ex)
        {
            // Forged, tampered with, or from a key ring that is gone.
            LogUnreadable(ex.Message);
            return null;
        }
    }

    /// <summary>The session id of a request: the one issued to it, else the one its cookie carries; null when it has none.</summary>
    public string? Resolve(HttpContext? context)
    {
        if (context is null)
        {
            return null;
        }

        if (context.Items.TryGetValue(ItemKey, out var issued) && issued is string id)
        {
            return id;
        }

        return Unprotect(context.Request.Cookies[Name]);
    }

    [LoggerMessage(1, LogLevel.Debug, "A session cookie did not unprotect ({Reason}): the request gets a new session")]
    private partial void LogUnreadable(string reason);
}
