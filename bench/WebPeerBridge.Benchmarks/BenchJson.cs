using System.Text.Json.Serialization;
using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Benchmarks;

/// <summary>
/// Metadata for the concrete frame types, with the wire options: to compare serializing a frame through the polymorphic
/// <see cref="Frame"/> envelope (what the codec does) with serializing its concrete type (no envelope, no "type").
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Said))]
[JsonSerializable(typeof(Say))]
internal sealed partial class BenchJson : JsonSerializerContext;
