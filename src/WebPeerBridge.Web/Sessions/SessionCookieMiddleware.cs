using HeaderNames = Microsoft.Net.Http.Headers.HeaderNames;

namespace WebPeerBridge.Web.Sessions;

/// <summary>Issues the session cookie on the first request for a page, so every tab of the browser shares one agent.</summary>
internal sealed class SessionCookieMiddleware(RequestDelegate next, SessionCookie cookies)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (IsPageRequest(context.Request) && cookies.Unprotect(context.Request.Cookies[SessionCookie.Name]) is null)
        {
            var id = SessionCookie.NewId();
            context.Items[SessionCookie.ItemKey] = id;
            context.Response.Cookies.Append(SessionCookie.Name, cookies.Protect(id), new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Lax,
                Secure = context.Request.IsHttps,
                IsEssential = true,
                Path = "/",
            });
        }

        return next(context);
    }

    // Pages are what browsers navigate to; assets, health probes and the circuit's own requests need no session.
    internal static bool IsPageRequest(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && !request.Path.StartsWithSegments("/_blazor", StringComparison.OrdinalIgnoreCase)
        && !request.Path.StartsWithSegments("/_framework", StringComparison.OrdinalIgnoreCase)
        && !request.Path.StartsWithSegments("/assets", StringComparison.OrdinalIgnoreCase)
        && request.Headers[HeaderNames.Accept].ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
}
