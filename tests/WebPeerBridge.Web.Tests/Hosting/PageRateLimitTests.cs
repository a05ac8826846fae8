using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WebPeerBridge.Web.Sessions;
using WebPeerBridge.Web.Tests.Support;

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
    public async Task Page_requests_without_an_html_accept_header_and_circuit_negotiations_count_against_the_same_limit()
    {
        await using var app = new BridgeAppFactory(new Dictionary<string, string?> { ["Bridge:PageRequestsPerAddressPerMinute"] = "2" });
        using var client = app.CreateClient(new() { HandleCookies = false });
        using var bare = new HttpRequestMessage(HttpMethod.Get, "/");
        bare.Headers.Add(TestRemoteAddress.HeaderName, "10.0.0.9");
        using var page = await client.SendAsync(bare, Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("WebPeerBridge", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        using var negotiate = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1") { Content = new StringContent("") };
        negotiate.Headers.Add(TestRemoteAddress.HeaderName, "10.0.0.9");
        using var negotiated = await client.SendAsync(negotiate, Ct);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, negotiated.StatusCode);

        using var third = new HttpRequestMessage(HttpMethod.Get, "/");
        third.Headers.Add(TestRemoteAddress.HeaderName, "10.0.0.9");
        using var refused = await client.SendAsync(third, Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);

        using var again = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1") { Content = new StringContent("") };
        again.Headers.Add(TestRemoteAddress.HeaderName, "10.0.0.9");
        using var refusedNegotiation = await client.SendAsync(again, Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, refusedNegotiation.StatusCode);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_pages_count_against_the_forwarded_address_and_anyone_elses_header_is_ignored()
    {
        await using var app = new BridgeAppFactory(new Dictionary<string, string?>
        {
            ["Bridge:PageRequestsPerAddressPerMinute"] = "1",
            ["Bridge:TrustedProxies:0"] = "10.0.0.1",
        });
        using var client = app.CreateClient(new() { HandleCookies = false });
        HttpRequestMessage Via(string address, string forwardedFor)
        {
            var request = PageRequest(address);
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            return request;
        }

        using var ana = await client.SendAsync(Via("10.0.0.1", "192.168.5.20"), Ct);
        using var anaAgain = await client.SendAsync(Via("10.0.0.1", "192.168.5.20"), Ct);
        using var bo = await client.SendAsync(Via("10.0.0.1", "192.168.5.21"), Ct);
        Assert.Equal(HttpStatusCode.OK, ana.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, anaAgain.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bo.StatusCode);

        // A host that is no proxy cannot pick the address it is counted as.
        using var forger = await client.SendAsync(Via("10.0.0.2", "192.168.5.30"), Ct);
        using var forgerAgain = await client.SendAsync(Via("10.0.0.2", "192.168.5.31"), Ct);
        Assert.Equal(HttpStatusCode.OK, forger.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, forgerAgain.StatusCode);
    }

    [Fact]
    public async Task Refused_page_requests_are_logged_once_per_address_not_per_attempt()
    {
        using var logs = new RecordingLogs();
        await using var app = new BridgeAppFactory(new Dictionary<string, string?> { ["Bridge:PageRequestsPerAddressPerMinute"] = "1" }, logs);
        using var client = app.CreateClient(new() { HandleCookies = false });
        foreach (var address in (string[])["10.0.0.7", "10.0.0.7", "10.0.0.7", "10.0.0.7", "10.0.0.8", "10.0.0.8"])
        {
            using var response = await client.SendAsync(PageRequest(address), Ct);
        }

        var reached = logs.Lines.Where(l => l.Text.Contains("reached PageRequestsPerAddressPerMinute (1)", StringComparison.Ordinal)).ToList();
        Assert.Single(reached, l => l.Text.StartsWith("10.0.0.7 ", StringComparison.Ordinal));
        Assert.Single(reached, l => l.Text.StartsWith("10.0.0.8 ", StringComparison.Ordinal));
        Assert.Equal(2, reached.Count);
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

    [Fact]
    public async Task A_page_from_an_address_with_all_its_tabs_open_gets_429_saying_why_and_no_circuit_while_another_address_gets_the_app()
    {
        await using var app = new BridgeAppFactory(new Dictionary<string, string?> { ["Bridge:MaxCircuitsPerAddress"] = "2" });
        using var client = app.CreateClient(new() { HandleCookies = false });
        var registry = app.Services.GetRequiredService<SessionRegistry>();
        using var first = new CurrentSession(registry);
        using var second = new CurrentSession(registry);
        Assert.Equal(CircuitAdmission.Admitted, first.Initialize(SessionCookie.NewId(), IPAddress.Parse("10.0.0.7")));
        Assert.Equal(CircuitAdmission.Admitted, second.Initialize(SessionCookie.NewId(), IPAddress.Parse("10.0.0.7")));

        using var refused = await client.SendAsync(PageRequest("10.0.0.7"), Ct);
        using var elsewhere = await client.SendAsync(PageRequest("10.0.0.8"), Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Too many WebPeerBridge tabs are open from your address (at most 2). Close some and reload this page.", page,
            StringComparison.Ordinal);
        // No interactive root (its marker carries the protected component descriptor): no circuit can start from it.
        Assert.DoesNotContain("<!--Blazor:", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        Assert.Contains("<!--Blazor:", await elsewhere.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
