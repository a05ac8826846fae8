using System.ComponentModel.DataAnnotations;
using System.Net;

namespace WebPeerBridge.Rendezvous;

/// <summary>Requires every string of a list to be an IP address (no host names: they would be resolved behind our back).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class IpAddressesAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is IEnumerable<string> addresses && addresses.FirstOrDefault(a => !IPAddress.TryParse(a, out _)) is { } bad
            ? new ValidationResult($"'{bad}' is not an IP address.", validationContext.MemberName is { } m ? [m] : null)
            : ValidationResult.Success;
}
