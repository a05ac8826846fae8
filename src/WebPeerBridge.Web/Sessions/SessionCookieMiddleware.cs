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

    // Pages are what browsers navigate to; assets (any path with a file extension), health probes and the circuit's own
    // requests need no session. Whatever the Accept header says: a page is rendered for a request without one too, so
    // it must count against the per-address page limit like any other.
    internal static bool IsPageRequest(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && !request.Path.StartsWithSegments("/_blazor", StringComparison.OrdinalIgnoreCase)
        && !request.Path.StartsWithSegments("/_framework", StringComparison.OrdinalIgnoreCase)
        && !request.Path.StartsWithSegments("/_content", StringComparison.OrdinalIgnoreCase)
        && !request.Path.StartsWithSegments("/assets", StringComparison.OrdinalIgnoreCase)
        && !request.Path.StartsWithSegments("/healthz", StringComparison.OrdinalIgnoreCase)
        && !request.Path.StartsWithSegments("/alive", StringComparison.OrdinalIgnoreCase)
        && !Path.HasExtension(request.Path.Value);

    // A tab's circuit starts with one negotiation (and one per reconnect): counted with the pages, so that a host
    // cannot make the server hold connection tokens at the rate of its loop.
    internal static bool IsCircuitNegotiation(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.StartsWithSegments("/_blazor/negotiate", StringComparison.OrdinalIgnoreCase);
}
