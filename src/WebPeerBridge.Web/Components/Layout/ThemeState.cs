using WebPeerBridge.Peer;

namespace WebPeerBridge.Web.Components.Layout;

/// <summary>
/// The circuit's light or dark theme. It follows the system's (the browser's prefers-color-scheme) until the person picks
/// one; the pick is kept in a cookie so the next page starts with it.
/// </summary>
internal sealed class ThemeState
{
    public const string CookieName = "wpb-theme";

    /// <summary>The system's theme as the browser last reported it, so the next first paint is right before it reports again.</summary>
    public const string SystemCookieName = "wpb-system-theme";

    private readonly ChangeNotifier _changed = new();
    private bool _initialized;

    public bool IsDark { get; private set; }

    /// <summary>The person picked the theme; until then it follows the system.</summary>
    public bool IsChosen { get; private set; }

    public void Initialize(bool dark, bool chosen = false)
    {
        if (_initialized)
        {
            return;
        }

        _initialized = true;
        IsDark = dark;
        IsChosen = chosen;
    }

    /// <summary>The person picked a theme: it stays, whatever the system does.</summary>
    public void Set(bool dark)
    {
        _initialized = true;
        IsChosen = true;
        Apply(dark);
    }

    /// <summary>The system's theme is (now) <paramref name="dark"/>: followed unless the person picked one.</summary>
    public void FollowSystem(bool dark)
    {
        if (!IsChosen)
        {
            Apply(dark);
        }
    }

    public IDisposable Subscribe(Action onChanged) => _changed.Subscribe(onChanged);

    private void Apply(bool dark)
    {
        if (IsDark == dark)
        {
            return;
        }

        IsDark = dark;
        _changed.Notify();
    }
}
