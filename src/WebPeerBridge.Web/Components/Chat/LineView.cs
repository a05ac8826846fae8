using System.Globalization;
using WebPeerBridge.Peer.Conversations;
using WebPeerBridge.Peer.Presence;

namespace WebPeerBridge.Web.Components.Chat;

/// <summary>
/// One row of the log: a line of the conversation, or a quiet line of joins and leaves; with what goes above it (a day
/// separator, the "New messages" divider). Immutable: a changed line is a new row. Its times, as the reader's zone shows
/// them, are worked out once, when the row is first rendered, so that rendering the log again costs the rows nothing.
/// </summary>
public sealed class LineView
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private readonly TimeZoneInfo _zone;
    private string? _time;
    private string? _stamp;
    private string? _fullTime;
    private string? _quietText;
    private string? _text;

    private LineView(ChatMessage? message, PresenceBurst? quiet, string? dayLabel, bool firstUnread, TimeZoneInfo zone)
    {
        Message = message;
        Quiet = quiet;
        DayLabel = dayLabel;
        FirstUnread = firstUnread;
        _zone = zone;
        Key = message?.Id ?? "presence-" + quiet!.Id.ToString(Invariant);
    }

    internal static LineView For(ChatMessage message, string? dayLabel, bool firstUnread, TimeZoneInfo zone) =>
        new(message, null, dayLabel, firstUnread, zone);

    internal static LineView For(PresenceBurst quiet, string? dayLabel, TimeZoneInfo zone) => new(null, quiet, dayLabel, false, zone);

    public ChatMessage? Message { get; }

    public PresenceBurst? Quiet { get; }

    /// <summary>A day separator above the row ("Today"), when the day changes.</summary>
    public string? DayLabel { get; }

    /// <summary>The "New messages" divider goes above the row.</summary>
    public bool FirstUnread { get; }

    /// <summary>The row's place in its log (set when it is added; a changed line keeps it): rows are rendered in blocks by it.</summary>
    public long Ordinal { get; internal set; }

    /// <summary>Keys the row for rendering: the message id, or the quiet line's own.</summary>
    public string Key { get; }

    public DateTimeOffset At => Message?.At ?? Quiet!.At;

    /// <summary>The local time of day shown on the row ("14:05").</summary>
    public string Time => _time ??= Local.ToString("HH:mm", Invariant);

    /// <summary>The machine-readable time (the <c>datetime</c> attribute).</summary>
    public string Stamp => _stamp ??= At.ToString("O", Invariant);

    /// <summary>The full local date and time (the row's tooltip).</summary>
    public string FullTime => _fullTime ??= Local.ToString("dddd d MMMM yyyy, HH:mm:ss 'UTC'zzz", Invariant);

    /// <summary>The words of a message row: a system line's as the bridge says them, else the message's own.</summary>
    public string Text => _text ??= Message is { Kind: ChatMessageKind.System } system ? SystemLineText.Of(system) : Message!.Text;

    /// <summary>Why the message row's line was not delivered, in words; null when it did not say.</summary>
    public string? Error => Message is { State: DeliveryState.Failed } failed ? FailureText.Of(failed) : null;

    /// <summary>The words of a quiet line.</summary>
    public string QuietText => _quietText ??= PresenceText.For(Quiet!);

    /// <summary>What kind of message row it is.</summary>
    public LineMarks Marks => Message is not { } m ? LineMarks.None
        : (m.IsOwn ? LineMarks.Own : 0) | (m.MentionsYou ? LineMarks.MentionsYou : 0) | (m.Kind == ChatMessageKind.System ? LineMarks.System : 0)
          | (FirstUnread ? LineMarks.FirstUnread : 0);

    /// <summary>The same row showing a changed line.</summary>
    internal LineView With(ChatMessage message) => new(message, null, DayLabel, FirstUnread, _zone) { Ordinal = Ordinal };

    /// <summary>The same row showing a grown burst.</summary>
    internal LineView With(PresenceBurst quiet) => new(null, quiet, DayLabel, false, _zone) { Ordinal = Ordinal };

    private DateTimeOffset Local => TimeZoneInfo.ConvertTime(At, _zone);
}
