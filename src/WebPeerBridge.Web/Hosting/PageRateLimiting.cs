using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using WebPeerBridge.Web.Sessions;

namespace WebPeerBridge.Web.Hosting;

/// <summary>
/// At most <see cref="BridgeOptions.PageRequestsPerAddressPerMinute"/> page requests and circuit negotiations per remote
/// address and minute (ASP.NET Core's rate limiter); the next one gets 429 with a page that says why. Assets, health
/// probes and the circuit's traffic once connected are not counted.
/// </summary>
internal static class PageRateLimiting
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static IServiceCollection AddPageRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<BridgeOptions>, TimeProvider, ILoggerFactory>((limiter, bridge, time, logs) =>
        {
            var perMinute = bridge.Value.PageRequestsPerAddressPerMinute;
            var limits = new LimitLog(time, logs.CreateLogger(typeof(PageRateLimiting).FullName!));
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, IPAddress>(context =>
                SessionCookieMiddleware.IsPageRequest(context.Request) || SessionCookieMiddleware.IsCircuitNegotiation(context.Request)
                    ? RateLimitPartition.GetFixedWindowLimiter(ClientAddress.Of(context),
                        _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = Window, QueueLimit = 0 })
                    : RateLimitPartition.GetNoLimiter(IPAddress.Any));
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var context = rejected.HttpContext;
                limits.Reached(AddressLimit.PageRequestsPerAddressPerMinute, ClientAddress.Of(context), perMinute);
                context.Response.Headers.RetryAfter = ((int)Window.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.WriteAsync(TooManyRequestsPage(perMinute), cancellationToken).ConfigureAwait(false);
            };
        });
        return services;
    }

    /// <summary>The page a refused request gets.</summary>
    public static string TooManyRequestsPage(int perMinute) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8" /><title>Too many requests · WebPeerBridge</title></head>
        <body style="font-family: sans-serif; max-width: 36rem; margin: 4rem auto; line-height: 1.5">
        <h1>Too many requests</h1>
        <p id="too-many-requests">Your address loaded WebPeerBridge pages more than {{perMinute}} times within a minute.
        Wait a minute, then reload this page.</p>
        </body>
        </html>
        """;
}
