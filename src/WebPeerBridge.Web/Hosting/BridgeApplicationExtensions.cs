using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using WebPeerBridge.Web.Components;
using WebPeerBridge.Web.Health;
using WebPeerBridge.Web.Sessions;

namespace WebPeerBridge.Web.Hosting;

internal static class BridgeApplicationExtensions
{
    /// <summary>The request pipeline: page requests per address, session cookie, static assets, health endpoints and the Blazor app.</summary>
    public static WebApplication UseWebPeerBridge(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }

        // First: behind a trusted proxy, every limit below counts the browser's address, not the proxy's.
        app.UseForwardedHeaders();
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        // Before the session cookie: a refused request gets no session.
        app.UseRateLimiter();
        app.UseMiddleware<SessionCookieMiddleware>();
        app.UseAntiforgery();

        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthResponseWriter.WriteAsync });
        app.MapHealthChecks("/alive", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("live"),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });

        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
