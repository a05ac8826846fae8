using System.Security.Cryptography;

namespace WebPeerBridge.Web.Sessions;

/// <summary>The browser session cookie: a random 128-bit id, HttpOnly, SameSite=Lax.</summary>
internal static class SessionCookie
{
    public const string Name = "wpb-session";

    /// <summary>Where the middleware leaves a freshly issued id for the page being rendered.</summary>
    public const string ItemKey = "wpb-session";

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static bool IsValid(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);

    /// <summary>The session id of a request: the one issued to it, else a valid cookie; null when it has none.</summary>
    public static string? Resolve(HttpContext? context)
    {
        if (context is null)
        {
            return null;
        }

        if (context.Items.TryGetValue(ItemKey, out var issued) && issued is string id)
        {
            return id;
        }

        var cookie = context.Request.Cookies[Name];
        return IsValid(cookie) ? cookie : null;
    }
}
