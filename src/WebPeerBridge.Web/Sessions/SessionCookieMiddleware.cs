using HeaderNames = Microsoft.Net.Http.Headers.HeaderNames;

namespace WebPeerBridge.Web.Sessions;

/// <summary>Issues the session cookie on the first request for a page, so every tab of the browser shares one agent.</summary>
internal sealed class SessionCookieMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (IsPageRequest(context.Request) && !SessionCookie.IsValid(context.Request.Cookies[SessionCookie.Name]))
        {
            var id = SessionCookie.NewId();
            context.Items[SessionCookie.ItemKey] = id;
            context.Response.Cookies.Append(SessionCookie.Name, id, new CookieOptions
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
    private static bool IsPageRequest(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && !request.Path.StartsWithSegments("/_blazor", StringComparison.OrdinalIgnoreCase)
        && !request.Path.StartsWithSegments("/_framework", StringComparison.OrdinalIgnoreCase)
        && !request.Path.StartsWithSegments("/assets", StringComparison.OrdinalIgnoreCase)
        && request.Headers[HeaderNames.Accept].ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
}
