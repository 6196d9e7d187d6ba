using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Google.Protobuf;
using Any = Google.Protobuf.WellKnownTypes.Any;
using Google.Rpc;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Status = Google.Rpc.Status;

namespace Coaching.Server.Errors;

/// <summary>
/// Binds every gRPC service the way Grpc.AspNetCore's own binder does (the generated <c>BindService</c> method,
/// the service's public overrides, class then method attributes as endpoint metadata, POST only), with one
/// difference: each request deserializer turns a message that cannot be decoded (truncated, invalid UTF-8 in a
/// string, a bad tag) into INVALID_ARGUMENT with reason <c>MALFORMED_REQUEST</c>. Deserialization runs before
/// any interceptor, so without this such a request surfaces as UNKNOWN with an error-level stack trace. Responses go
/// out through the generated marshaller, except where a response type has its own encoder (<see cref="ResponseMarshallers"/>).
/// </summary>
internal sealed class DecodingServiceMethodProvider<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TService>
    : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        for (var type = typeof(TService); type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is not { } bind)
            {
                continue;
            }

            var method = bind.BindType.GetMethod(bind.BindMethodName, BindingFlags.Public | BindingFlags.Static, [typeof(ServiceBinderBase), type])
                ?? throw new InvalidOperationException($"{bind.BindType} has no {bind.BindMethodName}({nameof(ServiceBinderBase)}, {type}).");
            method.Invoke(null, [new Binder(context, type), null]);
            return;
        }
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context, Type declaringType) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<UnaryServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(TRequest), typeof(ServerCallContext));
            context.AddUnaryMethod(Decoding(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<ServerStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddServerStreamingMethod(Decoding(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<ClientStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext));
            context.AddClientStreamingMethod(Decoding(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddDuplexStreamingMethod(Decoding(method), metadata, invoker);
        }

        private (TDelegate Invoker, List<object> Metadata) Model<TDelegate>(string name, params Type[] parameters)
            where TDelegate : Delegate
        {
            var handler = FindOverride(name, parameters)
                ?? throw new InvalidOperationException($"{typeof(TService)} does not implement {name}.");
            var metadata = new List<object>();
            metadata.AddRange(typeof(TService).GetCustomAttributes(inherit: true));
            metadata.AddRange(handler.GetCustomAttributes(inherit: true));
            metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
            return ((TDelegate)Delegate.CreateDelegate(typeof(TDelegate), handler), metadata);
        }

        /// <summary>The public override of the generated base's method (a same-named method that hides it does not count).</summary>
        private MethodInfo? FindOverride(string name, Type[] parameters)
        {
            for (var type = typeof(TService); type is not null; type = type.BaseType)
            {
                var candidate = type.GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters);
                if (candidate is null)
                {
                    return null;
                }

                if (candidate.IsVirtual && candidate.GetBaseDefinition().DeclaringType == declaringType)
                {
                    return candidate;
                }
            }

            return null;
        }
    }

    private static Method<TRequest, TResponse> Decoding<TRequest, TResponse>(Method<TRequest, TResponse> method)
    {
        var decode = method.RequestMarshaller.ContextualDeserializer;
        var requestType = typeof(TRequest).Name;
        var marshaller = Marshallers.Create<TRequest>(method.RequestMarshaller.ContextualSerializer, context =>
        {
            try
            {
                return decode(context);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw MalformedRequest.Error(requestType, e);
            }
        });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, marshaller, ResponseMarshallers.For(method.ResponseMarshaller));
    }
}

/// <summary>Response types the server writes with its own encoder rather than the generated one (the same bytes, tested).</summary>
internal static class ResponseMarshallers
{
    /// <summary>The marshaller to answer with: the type's own encoder when it has one, else <paramref name="generated"/>.</summary>
    public static Marshaller<TResponse> For<TResponse>(Marshaller<TResponse> generated) =>
        generated is Marshaller<Contracts.V1.ListAvailableSlotsResponse>
            ? (Marshaller<TResponse>)(object)Availability.SlotListingWire.Marshaller
            : generated;
}

/// <summary>The INVALID_ARGUMENT answer to a request body that is not a well-formed message of the method's type.</summary>
internal static class MalformedRequest
{
    public const string Reason = "MALFORMED_REQUEST";

    public static RpcException Error(string requestType, InvalidProtocolBufferException cause)
    {
        var message = $"The request could not be decoded as a {requestType} message ({cause.Message.TrimEnd('.')}); " +
            "send a well-formed protobuf message with valid UTF-8 strings.";
        var status = new Status
        {
            Code = (int)StatusCode.InvalidArgument,
            Message = message,
            Details = { Any.Pack(new ErrorInfo { Reason = Reason, Domain = ErrorInterceptor.ErrorDomain, Metadata = { ["message_type"] = requestType } }) },
        };
        return status.ToRpcException();
    }
}

/// <summary>Registration of <see cref="DecodingServiceMethodProvider{TService}"/> in place of Grpc.AspNetCore's binder.</summary>
internal static class MalformedRequestRegistration
{
    /// <summary>Replaces the default service binder; call after <c>AddGrpc</c>.</summary>
    /// <exception cref="InvalidOperationException">When the default binder is not registered (a Grpc.AspNetCore change).</exception>
    public static IServiceCollection AddMalformedRequestAnswers(this IServiceCollection services)
    {
        var defaults = services
            .Where(d => d.ServiceType == typeof(IServiceMethodProvider<>) && d.ImplementationType?.Name == "BinderServiceMethodProvider`1")
            .ToList();
        if (defaults.Count != 1)
        {
            throw new InvalidOperationException("Grpc.AspNetCore's default service binder was not found; register after AddGrpc.");
        }

        services.Remove(defaults[0]);
        services.AddSingleton(typeof(IServiceMethodProvider<>), typeof(DecodingServiceMethodProvider<>));
        return services;
    }
}
