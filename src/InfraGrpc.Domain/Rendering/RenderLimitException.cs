namespace InfraGrpc.Domain.Rendering;

/// <summary>A render went past one of the chart limits; the renderer reports it as a validation error.</summary>
public sealed class RenderLimitException(string message) : Exception(message);
