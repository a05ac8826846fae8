using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using WebPeerBridge.Peer;
using WebPeerBridge.Web.Components;
using WebPeerBridge.Web.Components.Chat;
using WebPeerBridge.Web.Components.Layout;
using WebPeerBridge.Web.Sessions;

namespace WebPeerBridge.Web.Tests.Support;

/// <summary>
/// A bUnit context wired like one browser tab of the bridge (the real session registry, real agents, a real rendezvous
/// server), with MudBlazor's popover, dialog and snackbar providers rendered.
/// </summary>
internal sealed class ChatHarness : IAsyncDisposable
{
    private readonly bool _ownsNetwork;

    private ChatHarness(TestNetwork network, BunitContext context, bool ownsNetwork)
    {
        _ownsNetwork = ownsNetwork;
        Network = network;
        Context = context;
        Session = context.Services.GetRequiredService<CurrentSession>();
        Popovers = context.Render<MudPopoverProvider>();
        Dialogs = context.Render<MudDialogProvider>();
        Snackbars = context.Render<MudSnackbarProvider>();
    }

    public TestNetwork Network { get; }

    public BunitContext Context { get; }

    public CurrentSession Session { get; }

    public IRenderedComponent<MudPopoverProvider> Popovers { get; }

    public IRenderedComponent<MudDialogProvider> Dialogs { get; }

    public IRenderedComponent<MudSnackbarProvider> Snackbars { get; }

    /// <summary>
    /// What the toasts say, one line each: their messages only (the provider's markup also holds style rules whose
    /// generated animation names may spell any word).
    /// </summary>
    public string ToastText => string.Join('\n', Snackbars.FindAll(".mud-snackbar-content-message").Select(e => e.TextContent));

    /// <summary>The browser helper module, to see what the page asked the browser to do.</summary>
    public BunitJSModuleInterop Js { get; private init; } = default!;

    /// <summary>This tab's agent (after <see cref="JoinAsync"/>).</summary>
    public PeerAgent Agent => Session.Agent ?? throw new InvalidOperationException("Not joined.");

    /// <summary>A network and a tab of a fresh browser session.</summary>
    public static async Task<ChatHarness> StartAsync(CancellationToken cancellationToken, int maxAgents = 200)
    {
        var network = await TestNetwork.StartAsync(cancellationToken, maxAgents);
        return Create(network, ownsNetwork: true);
    }

    /// <summary>
    /// A tab of a fresh browser session on <paramref name="network"/>; without <paramref name="initialize"/> the tab has no
    /// session yet (as before its interactive root starts).
    /// </summary>
    public static ChatHarness Create(TestNetwork network, bool ownsNetwork = false, bool initialize = true)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices(options =>
        {
            // Snackbars stay until the test has looked at them.
            options.SnackbarConfiguration.VisibleStateDuration = 60_000;
            options.SnackbarConfiguration.ShowTransitionDuration = 0;
            options.SnackbarConfiguration.HideTransitionDuration = 0;
        });
        context.Services.AddSingleton(network.Registry);
        context.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(network.Options));
        context.Services.AddSingleton(TimeProvider.System);
        context.Services.AddScoped<CurrentSession>();
        context.Services.AddScoped<ThemeState>();
        context.Services.AddScoped<ClientClock>();
        context.Services.AddScoped<BridgeJs>();
        context.Services.AddSingleton<WebPeerBridge.Web.Hosting.JoinAddress>();
        context.Services.AddScoped<WebPeerBridge.Web.Components.Chat.Attention.BrowserNotifications>();
        var module = context.JSInterop.SetupModule("./assets/js/bridge.js");
        module.Mode = JSRuntimeMode.Loose;
        var harness = new ChatHarness(network, context, ownsNetwork) { Js = module };
        if (initialize)
        {
            harness.Session.Initialize(SessionCookie.NewId());
        }

        return harness;
    }

    /// <summary>Joins this tab's session as <paramref name="name"/>.</summary>
    public async Task<PeerAgent> JoinAsync(string name, CancellationToken cancellationToken)
    {
        var outcome = await Session.JoinAsync(name, cancellationToken).WaitAsync(TestNetwork.Timeout, cancellationToken);
        Assert.True(outcome.Success, $"{name} could not join: {outcome.Code} {outcome.Message}");
        return Agent;
    }

    public IRenderedComponent<T> Render<T>(Action<ComponentParameterCollectionBuilder<T>>? parameters = null)
        where T : Microsoft.AspNetCore.Components.IComponent =>
        parameters is null ? Context.Render<T>() : Context.Render(parameters);

    /// <summary>Opens the menu button named <paramref name="menu"/> in <paramref name="cut"/> and picks the item that holds <paramref name="item"/>.</summary>
    public async Task PickFromMenuAsync<T>(IRenderedComponent<T> cut, string menu, string item)
        where T : Microsoft.AspNetCore.Components.IComponent
    {
        await cut.ClickAsync(menu);
        Popovers.WaitForAssertion(() => Assert.Contains(Popovers.FindAll(".mud-menu-item"), i => i.TextContent.Contains(item, StringComparison.Ordinal)),
            TestNetwork.Timeout);
        await Popovers.InvokeAsync(() => Popovers.FindAll(".mud-menu-item").First(i => i.TextContent.Contains(item, StringComparison.Ordinal))
            .ClickAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs()));
    }

    public async ValueTask DisposeAsync()
    {
        await Context.DisposeAsync();
        if (_ownsNetwork)
        {
            await Network.DisposeAsync();
        }
    }
}
