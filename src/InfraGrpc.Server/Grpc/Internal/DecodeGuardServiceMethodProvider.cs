using System.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using InfraGrpc.Domain.Errors;

namespace InfraGrpc.Server.Grpc.Internal;

/// <summary>
/// Binds every gRPC service (ours, reflection, health) the way grpc-dotnet's own binder does, but with
/// request marshallers that turn a message that cannot be decoded (wire garbage, invalid UTF-8, nesting
/// past the protobuf limit) into INVALID_ARGUMENT with a BadRequest detail. Without it grpc-dotnet
/// answers UNKNOWN "Exception was thrown by handler.", since decoding runs before any interceptor.
/// </summary>
internal sealed class DecodeGuardServiceMethodProvider<TService> : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        var attribute = typeof(TService).GetCustomAttribute<BindServiceMethodAttribute>(inherit: true);
        var bind = attribute?.BindType.GetMethod(
            attribute.BindMethodName, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, [typeof(ServiceBinderBase), typeof(TService).BaseType ?? typeof(TService)]);
        bind ??= attribute?.BindType.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .FirstOrDefault(m => m.Name == attribute.BindMethodName && m.GetParameters() is [{ } first, _] && first.ParameterType == typeof(ServiceBinderBase));
        bind?.Invoke(null, [new Binder(context), null]);
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            var target = Find(method.Name, typeof(TRequest), typeof(ServerCallContext));
            context.AddUnaryMethod(Guard(method), Metadata(target), target.CreateDelegate<UnaryServerMethod<TService, TRequest, TResponse>>());
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var target = Find(method.Name, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddServerStreamingMethod(Guard(method), Metadata(target), target.CreateDelegate<ServerStreamingServerMethod<TService, TRequest, TResponse>>());
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var target = Find(method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext));
            context.AddClientStreamingMethod(Guard(method), Metadata(target), target.CreateDelegate<ClientStreamingServerMethod<TService, TRequest, TResponse>>());
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var target = Find(method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddDuplexStreamingMethod(Guard(method), Metadata(target), target.CreateDelegate<DuplexStreamingServerMethod<TService, TRequest, TResponse>>());
        }

        private static MethodInfo Find(string name, params Type[] parameters) =>
            typeof(TService).GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters)
            ?? throw new InvalidOperationException($"{typeof(TService).Name} has no method {name}");

        // The same endpoint metadata grpc-dotnet gives: the service type's attributes, then the method's.
        private static List<object> Metadata(MethodInfo target) =>
            [.. typeof(TService).GetCustomAttributes(inherit: true), .. target.GetCustomAttributes(inherit: true)];

        private static Method<TRequest, TResponse> Guard<TRequest, TResponse>(Method<TRequest, TResponse> method)
        {
            var inner = method.RequestMarshaller;
            var guarded = new Marshaller<TRequest>(inner.ContextualSerializer, deserialization =>
            {
                try
                {
                    return inner.ContextualDeserializer(deserialization);
                }
                catch (Exception e) when (e is not OperationCanceledException and not RpcException)
                {
                    var problem = new ValidationException("request", $"the {typeof(TRequest).Name} message could not be decoded: {e.Message}");
                    throw ErrorMappingInterceptor.ToStatus(problem).ToRpcException();
                }
            });
            return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, guarded, method.ResponseMarshaller);
        }
    }
}
