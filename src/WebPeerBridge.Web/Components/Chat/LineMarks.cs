namespace WebPeerBridge.Web.Components.Chat;

/// <summary>What kind of message row this is (one parameter for the row, so the log's render compares one value).</summary>
[Flags]
public enum LineMarks
{
    None = 0,

    /// <summary>Written by the person.</summary>
    Own = 1,

    /// <summary>Mentions the person.</summary>
    MentionsYou = 2,

    /// <summary>A system line (not chat).</summary>
    System = 4,

    /// <summary>The "New messages" divider goes above it.</summary>
    FirstUnread = 8,
}
