using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebPeerBridge.Rendezvous;
using WebPeerBridge.Web.Tests.Support;

namespace WebPeerBridge.Web.Tests.Hosting;

public sealed class WebHostTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static HttpRequestMessage PageRequest(string path = "/")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html");
        return request;
    }

    [Fact]
    public async Task The_first_page_request_gets_an_HttpOnly_SameSite_session_cookie()
    {
        await using var app = new BridgeAppFactory();
        using var client = app.CreateClient(new() { HandleCookies = false });

        using var response = await client.SendAsync(PageRequest(), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("wpb-session=", StringComparison.Ordinal));
        // Issued and protected by the server: not a bare id a client could have chosen.
        Assert.DoesNotMatch("^wpb-session=[0-9a-f]{32};", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_page_request_with_the_cookie_the_server_issued_keeps_it()
    {
        await using var app = new BridgeAppFactory();
        using var client = app.CreateClient(new() { HandleCookies = false });
        using var first = await client.SendAsync(PageRequest(), Ct);
        var issued = SessionCookieOf(first)!;
        using var request = PageRequest();
        request.Headers.Add("Cookie", issued);

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(SessionCookieOf(response));
    }

    [Fact]
    public async Task A_session_id_chosen_by_a_client_is_not_taken_a_new_session_is_issued()
    {
        await using var app = new BridgeAppFactory();
        using var client = app.CreateClient(new() { HandleCookies = false });
        using var request = PageRequest();
        request.Headers.Add("Cookie", "wpb-session=0123456789abcdef0123456789abcdef");

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var issued = SessionCookieOf(response);
        Assert.NotNull(issued);
        Assert.DoesNotContain("0123456789abcdef0123456789abcdef", issued, StringComparison.Ordinal);
    }

    /// <summary>The <c>name=value</c> of the session cookie a response sets, or null.</summary>
    private static string? SessionCookieOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.FirstOrDefault(c => c.StartsWith("wpb-session=", StringComparison.Ordinal))?.Split(';')[0]
            : null;

    [Fact]
    public async Task Assets_and_health_probes_get_no_session_cookie()
    {
        await using var app = new BridgeAppFactory();
        using var client = app.CreateClient(new() { HandleCookies = false });

        using var asset = await client.GetAsync("/assets/site.css", Ct);

        Assert.False(asset.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task The_page_starts_with_a_placeholder_the_reconnect_banner_and_the_interactive_app()
    {
        await using var app = new BridgeAppFactory();
        using var client = app.CreateClient();

        using var response = await client.SendAsync(PageRequest(), Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Contains("Starting WebPeerBridge", html, StringComparison.Ordinal);
        Assert.Contains("components-reconnect-modal", html, StringComparison.Ordinal);
        Assert.Contains("_framework/blazor.web", html, StringComparison.Ordinal);
        Assert.Contains("assets/site", html, StringComparison.Ordinal);
        Assert.Contains("assets/favicon.svg", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dark_theme_cookie_is_honoured_on_the_first_paint()
    {
        await using var app = new BridgeAppFactory();
        using var client = app.CreateClient(new() { HandleCookies = false });
        using var request = PageRequest();
        request.Headers.Add("Cookie", "wpb-theme=dark");

        using var response = await client.SendAsync(request, Ct);

        Assert.Contains("data-theme=\"dark\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/assets/site.css", "text/css", ".wpb-line")]
    [InlineData("/assets/logo.svg", "image/svg+xml", "<svg")]
    [InlineData("/assets/favicon.svg", "image/svg+xml", "<svg")]
    [InlineData("/assets/js/bridge.js", "text/javascript", "export function followLog")]
    public async Task The_site_assets_are_served(string path, string contentType, string content)
    {
        await using var app = new BridgeAppFactory();
        using var client = app.CreateClient();

        using var response = await client.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(content, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_icon_for_old_browsers_is_served()
    {
        await using var app = new BridgeAppFactory();
        using var client = app.CreateClient();

        var bytes = await client.GetByteArrayAsync("/assets/favicon.ico", Ct);

        Assert.Equal(new byte[] { 0, 0, 1, 0 }, bytes[..4]);
    }

    [Fact]
    public async Task The_embedded_server_trusts_this_machine_whose_agents_all_come_from_it_unless_configured_otherwise()
    {
        await using var app = new BridgeAppFactory();
        using var _ = app.CreateClient();
        var trusted = app.Services.GetRequiredService<IOptions<RendezvousOptions>>().Value.TrustedAddresses;
        Assert.Equal(["127.0.0.1", "::1"], trusted);

        await using var configured = new BridgeAppFactory(new Dictionary<string, string?> { ["Rendezvous:TrustedAddresses:0"] = "10.0.0.5" });
        using var __ = configured.CreateClient();
        Assert.Equal(["10.0.0.5"], configured.Services.GetRequiredService<IOptions<RendezvousOptions>>().Value.TrustedAddresses);
    }

    [Fact]
    public async Task A_list_of_rendezvous_servers_starts_no_embedded_server_and_gives_every_agent_the_list()
    {
        await using var app = new BridgeAppFactory(new Dictionary<string, string?>
        {
            ["Rendezvous:Servers:0"] = "10.0.0.1:1234",
            ["Rendezvous:Servers:1"] = "10.0.0.2:1235",
        });
        using var _ = app.CreateClient();

        Assert.Null(app.Services.GetService<RendezvousServer>());
        var endpoint = app.Services.GetRequiredService<WebPeerBridge.Web.Hosting.RendezvousTarget>().Known;
        Assert.Equal(("10.0.0.1", 1234), (endpoint.Host, endpoint.Port));
        await using var agent = app.Services.GetRequiredService<WebPeerBridge.Web.Hosting.PeerAgentFactory>().Create("alice", endpoint);
        Assert.Equal(["10.0.0.1:1234", "10.0.0.2:1235"], agent.Options.RendezvousServers);
    }

    [Fact]
    public async Task Healthz_reports_the_embedded_server_up_and_reachable()
    {
        await using var app = new BridgeAppFactory();
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/healthz", Ct);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", report.RootElement.GetProperty("status").GetString());
        var checks = report.RootElement.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("rendezvous-server").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("rendezvous-reachable").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("self").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Alive_reports_only_the_process()
    {
        await using var app = new BridgeAppFactory();
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/alive", Ct);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var check = Assert.Single(report.RootElement.GetProperty("checks").EnumerateObject());
        Assert.Equal("self", check.Name);
    }

    [Fact]
    public async Task Healthz_is_unhealthy_when_the_external_chat_server_is_down()
    {
        var port = TestNetwork.FreePort();
        await using var app = new BridgeAppFactory(new Dictionary<string, string?>
        {
            ["Rendezvous:Host"] = "127.0.0.1",
            ["Rendezvous:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/healthz", Ct);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var checks = report.RootElement.GetProperty("checks");
        Assert.False(checks.TryGetProperty("rendezvous-server", out _));
        Assert.Contains($"127.0.0.1:{port}", checks.GetProperty("rendezvous-reachable").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_with_two_rendezvous_nodes_is_degraded_not_down_while_one_of_them_is_down()
    {
        using var up = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        up.Start();
        var upAt = $"127.0.0.1:{((IPEndPoint)up.LocalEndpoint).Port}";
        var downAt = $"127.0.0.1:{TestNetwork.FreePort()}";
        await using var app = new BridgeAppFactory(new Dictionary<string, string?>
        {
            ["Rendezvous:Servers:0"] = downAt,
            ["Rendezvous:Servers:1"] = upAt,
        });
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/healthz", Ct);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        // The agents moved to the node that is up: the web node still serves its browsers.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reachable = report.RootElement.GetProperty("checks").GetProperty("rendezvous-reachable");
        Assert.Equal("Degraded", reachable.GetProperty("status").GetString());
        var description = reachable.GetProperty("description").GetString();
        Assert.Contains($"Reachable at {upAt}; not at {downAt} (ConnectionRefused)", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_with_two_rendezvous_nodes_is_unhealthy_when_both_are_down()
    {
        var (first, second) = ($"127.0.0.1:{TestNetwork.FreePort()}", $"127.0.0.1:{TestNetwork.FreePort()}");
        await using var app = new BridgeAppFactory(new Dictionary<string, string?>
        {
            ["Rendezvous:Servers:0"] = first,
            ["Rendezvous:Servers:1"] = second,
        });
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/healthz", Ct);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var description = report.RootElement.GetProperty("checks").GetProperty("rendezvous-reachable").GetProperty("description").GetString();
        Assert.Contains(first, description, StringComparison.Ordinal);
        Assert.Contains(second, description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_bridge_settings_stop_the_app_at_start()
    {
        await using var app = new BridgeAppFactory(new Dictionary<string, string?>
        {
            ["Bridge:PeerPortMin"] = "41000",
            ["Bridge:PeerPortMax"] = "40000",
        });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("PeerPortMin", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_address_is_a_404_page()
    {
        await using var app = new BridgeAppFactory();
        using var client = app.CreateClient();

        using var response = await client.SendAsync(PageRequest("/no/such/page"), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }
}
