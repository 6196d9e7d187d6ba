using System.Diagnostics;
using System.Reflection;
using Coaching.Domain.Common;

namespace Coaching.Server.Hosting;

/// <summary>
/// Wraps every store interface the container holds (the <c>Coaching.Domain</c> interfaces implemented in a
/// <c>Coaching.Storage.*</c> assembly) so each call is a span named <c>store Interface.Method</c> and a sample of
/// <c>coaching.store.duration</c>. Only registered when telemetry is on: off, the stores are called directly.
/// </summary>
public static class TracedStores
{
    /// <summary>Decorates the store registrations made so far.</summary>
    public static IServiceCollection AddStoreTracing(this IServiceCollection services, string system)
    {
        var stores = services.Where(d => d.ServiceType.IsInterface && d.ServiceType.Namespace?.StartsWith("Coaching.Domain", StringComparison.Ordinal) == true
            && ImplementationAssembly(d)?.GetName().Name?.StartsWith("Coaching.Storage", StringComparison.Ordinal) == true).ToList();
        foreach (var descriptor in stores)
        {
            services.Remove(descriptor);
            var inner = Resolve(descriptor);
            var proxyType = typeof(TracingProxy<>).MakeGenericType(descriptor.ServiceType);
            services.Add(new ServiceDescriptor(descriptor.ServiceType, sp =>
            {
                var proxy = DispatchProxy.Create(descriptor.ServiceType, proxyType);
                ((ITracingProxy)proxy).Attach(inner(sp), system);
                return proxy;
            }, descriptor.Lifetime));
        }

        return services;
    }

    private static Assembly? ImplementationAssembly(ServiceDescriptor d) =>
        d.ImplementationType?.Assembly ?? d.ImplementationInstance?.GetType().Assembly
        ?? d.ImplementationFactory?.Method.ReturnType.Assembly;

    private static Func<IServiceProvider, object> Resolve(ServiceDescriptor d) =>
        d.ImplementationInstance is { } instance ? _ => instance
        : d.ImplementationFactory is { } factory ? factory
        : sp => ActivatorUtilities.CreateInstance(sp, d.ImplementationType!);

    /// <summary>What the registration sets on a proxy it made.</summary>
    public interface ITracingProxy
    {
        /// <summary>The store the proxy calls, and the <c>db.system</c> of its spans.</summary>
        void Attach(object inner, string system);
    }

    /// <summary>The proxy of one store interface.</summary>
    /// <typeparam name="T">The interface.</typeparam>
    public class TracingProxy<T> : DispatchProxy, ITracingProxy
        where T : class
    {
        private T _inner = null!;
        private string _system = string.Empty;

        /// <inheritdoc />
        public void Attach(object inner, string system)
        {
            _inner = (T)inner;
            _system = system;
        }

        /// <inheritdoc />
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            var operation = $"{typeof(T).Name}.{targetMethod.Name}";
            var parent = Activity.Current;
            var activity = Telemetry.Source.StartActivity($"store {operation}", ActivityKind.Client);
            activity?.SetTag("db.system", _system);
            activity?.SetTag("db.operation", operation);
            var started = Stopwatch.GetTimestamp();
            try
            {
                var result = targetMethod.Invoke(_inner, args);
                if (result is Task task)
                {
                    // The caller gets a task that completes after the span ended, so a store span never outlives the call awaiting it.
                    return targetMethod.ReturnType.IsGenericType
                        ? Finishers.GetOrAdd(targetMethod.ReturnType.GetGenericArguments()[0], FinisherFor)(task, activity, started, operation)
                        : FinishAsync(task, activity, started, operation);
                }

                End(activity, started, operation, null);
                return result;
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                End(activity, started, operation, e.InnerException);
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
            finally
            {
                Activity.Current = parent;
            }
        }

        // Per result type, a delegate to FinishWithResultAsync<TResult>: made once by reflection, then called like any delegate.
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Func<Task, Activity?, long, string, Task>> Finishers = new();

        private static Func<Task, Activity?, long, string, Task> FinisherFor(Type result) =>
            typeof(TracingProxy<T>).GetMethod(nameof(FinishWithResultAsync), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(result).CreateDelegate<Func<Task, Activity?, long, string, Task>>();

        private static async Task FinishAsync(Task task, Activity? activity, long started, string operation)
        {
            try
            {
                await task;
            }
            catch (Exception e)
            {
                End(activity, started, operation, e is OperationCanceledException ? null : e);
                throw;
            }

            End(activity, started, operation, null);
        }

        private static async Task<TResult> FinishWithResultAsync<TResult>(Task pending, Activity? activity, long started, string operation)
        {
            var task = (Task<TResult>)pending;
            try
            {
                var result = await task;
                End(activity, started, operation, null);
                return result;
            }
            catch (Exception e) when (!task.IsCompletedSuccessfully)
            {
                End(activity, started, operation, e is OperationCanceledException ? null : e);
                throw;
            }
        }

        private static void End(Activity? activity, long started, string operation, Exception? failure)
        {
            var outcome = failure is null ? "ok" : "error";
            Telemetry.StoreDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("outcome", outcome));
            if (activity is not null)
            {
                if (failure is not null)
                {
                    activity.SetStatus(ActivityStatusCode.Error, failure.GetType().Name);
                }

                activity.Dispose();
            }
        }
    }
}
