using Grpc.Core;
using Proto = Coaching.Contracts.V1;

namespace Coaching.Server.Availability;

/// <summary>
/// Binds <see cref="AvailabilityGrpcService"/> as the generated code does, with one change: <c>ListAvailableSlots</c> answers
/// through <see cref="SlotListingWire"/>'s marshaller. Grpc.AspNetCore and JSON transcoding find this class through the service's
/// <see cref="BindServiceMethodAttribute"/> (the most derived one wins) and read the service's shape from <see cref="Descriptor"/>.
/// </summary>
public static class AvailabilityBinding
{
    /// <summary>The service's descriptor, which JSON transcoding reads from the class that declares the bind method.</summary>
    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => Proto.AvailabilityService.Descriptor;

    /// <summary>
    /// Binds every method of the service; called by Grpc.AspNetCore (with a null service while discovering methods). The service
    /// is typed as the generated base, as the generated bind method's is: the binders look each handler up as an override of a
    /// method this parameter's type declares.
    /// </summary>
    /// <param name="binder">The binder to add the methods to.</param>
    /// <param name="service">The service instance, or null.</param>
    public static void BindService(ServiceBinderBase binder, Proto.AvailabilityService.AvailabilityServiceBase? service) =>
        Proto.AvailabilityService.BindService(new SlotListingBinder(binder), service!);

    /// <summary>Passes every method through, swapping the response marshaller of <c>ListAvailableSlots</c>.</summary>
    private sealed class SlotListingBinder(ServiceBinderBase inner) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(WithWire(method), handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(method, handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(method, handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(method, handler);

        private static Method<TRequest, TResponse> WithWire<TRequest, TResponse>(Method<TRequest, TResponse> method)
            where TRequest : class
            where TResponse : class =>
            method.ResponseMarshaller is Marshaller<Proto.ListAvailableSlotsResponse>
                ? new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, method.RequestMarshaller,
                    (Marshaller<TResponse>)(object)SlotListingWire.Marshaller)
                : method;
    }
}
