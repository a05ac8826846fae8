using System.Net;

namespace WebPeerBridge.Web.Tests.Hosting;

public sealed class PageRateLimitTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static HttpRequestMessage PageRequest(string address, string path = "/")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html");
        request.Headers.Add(TestRemoteAddress.HeaderName, address);
        return request;
    }

    [Fact]
    public async Task The_page_request_beyond_the_limit_within_a_minute_gets_429_with_a_page_that_says_why()
    {
        await using var app = new BridgeAppFactory(new Dictionary<string, string?> { ["Bridge:PageRequestsPerAddressPerMinute"] = "2" });
        using var client = app.CreateClient(new() { HandleCookies = false });
        for (var i = 0; i < 2; i++)
        {
            using var allowed = await client.SendAsync(PageRequest("10.0.0.7"), Ct);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var refused = await client.SendAsync(PageRequest("10.0.0.7"), Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromMinutes(1), refused.Headers.RetryAfter?.Delta);
        var page = await refused.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Your address loaded WebPeerBridge pages more than 2 times within a minute.", page, StringComparison.Ordinal);
        // Refused before the session cookie: a hammering host gets no sessions either.
        Assert.False(refused.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Another_address_and_the_requests_that_are_not_pages_keep_working_while_one_address_is_refused()
    {
        await using var app = new BridgeAppFactory(new Dictionary<string, string?> { ["Bridge:PageRequestsPerAddressPerMinute"] = "1" });
        using var client = app.CreateClient(new() { HandleCookies = false });
        using var first = await client.SendAsync(PageRequest("10.0.0.7"), Ct);
        using var refused = await client.SendAsync(PageRequest("10.0.0.7"), Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);

        using var elsewhere = await client.SendAsync(PageRequest("10.0.0.8"), Ct);
        using var probe = new HttpRequestMessage(HttpMethod.Get, "/alive");
        probe.Headers.Add(TestRemoteAddress.HeaderName, "10.0.0.7");
        using var alive = await client.SendAsync(probe, Ct);

        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }
}
