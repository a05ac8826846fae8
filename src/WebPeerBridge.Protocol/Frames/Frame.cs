using System.Text.Json.Serialization;

namespace WebPeerBridge.Protocol.Frames;

/// <summary>
/// One frame of protocol v1: a JSON object on one line whose <c>"type"</c> property names the concrete frame.
/// The same envelope serves the rendezvous link and the direct peer link.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", IgnoreUnrecognizedTypeDiscriminators = false)]
[JsonDerivedType(typeof(Hello), FrameTypes.Hello)]
[JsonDerivedType(typeof(Say), FrameTypes.Say)]
[JsonDerivedType(typeof(Ping), FrameTypes.Ping)]
[JsonDerivedType(typeof(Pong), FrameTypes.Pong)]
[JsonDerivedType(typeof(Bye), FrameTypes.Bye)]
[JsonDerivedType(typeof(Welcome), FrameTypes.Welcome)]
[JsonDerivedType(typeof(Joined), FrameTypes.Joined)]
[JsonDerivedType(typeof(Left), FrameTypes.Left)]
[JsonDerivedType(typeof(Said), FrameTypes.Said)]
[JsonDerivedType(typeof(ErrorFrame), FrameTypes.Error)]
[JsonDerivedType(typeof(Dm), FrameTypes.Dm)]
[JsonDerivedType(typeof(Ack), FrameTypes.Ack)]
public abstract record Frame;
