using WebPeerBridge.Peer;

namespace WebPeerBridge.Web.Components.Layout;

/// <summary>The circuit's light or dark theme; the choice is kept in a cookie so the next page starts with it.</summary>
internal sealed class ThemeState
{
    public const string CookieName = "wpb-theme";

    private readonly ChangeNotifier _changed = new();
    private bool _initialized;

    public bool IsDark { get; private set; }

    public void Initialize(bool dark)
    {
        if (_initialized)
        {
            return;
        }

        _initialized = true;
        IsDark = dark;
    }

    public void Set(bool dark)
    {
        _initialized = true;
        if (IsDark == dark)
        {
            return;
        }

        IsDark = dark;
        _changed.Notify();
    }

    public IDisposable Subscribe(Action onChanged) => _changed.Subscribe(onChanged);
}
