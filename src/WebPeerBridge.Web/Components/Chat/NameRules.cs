using WebPeerBridge.Protocol.Validation;

namespace WebPeerBridge.Web.Components.Chat;

/// <summary>The join screen's wording of the protocol's name rules (<see cref="TextRules.ValidateName"/>).</summary>
internal static class NameRules
{
    /// <summary>Null when <paramref name="name"/> can be joined with, else what to fix.</summary>
    public static string? Check(string? name)
    {
        var trimmed = (name ?? string.Empty).Trim();
        if (trimmed.Length == 0)
        {
            return null; // nothing typed yet: the Join button is simply off
        }

        if (trimmed.Any(char.IsWhiteSpace))
        {
            return "No spaces: use letters, digits, '.', '_' or '-'.";
        }

        var result = TextRules.ValidateName(trimmed);
        return result.IsValid ? null : result.Message;
    }
}
