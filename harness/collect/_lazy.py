"""The OTLP trace messages with span, event and link attributes left as serialized ``KeyValue`` bytes.

A field of type ``repeated KeyValue`` and one of type ``repeated bytes`` are the same on the wire
(length-delimited, one record per item), so the ``opentelemetry-proto`` descriptors with those
three fields retyped parse any OTLP body into the same messages, except that each attribute stays
its ``KeyValue`` blob. A batch repeats the same blobs in span after span; the receiver decodes each
distinct blob once (``_attributes``) instead of walking a Python wrapper per attribute. Parsing is
still upb's, from the descriptors the ``opentelemetry-proto`` package ships, in a pool of their own.

``BLOB_LIST`` is a list of blobs in the same way, and the same on the wire as ``KeyValueList``: the
real class parses what it serializes, decoding many blobs in one call.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.resource.v1 import resource_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

_BYTES = descriptor_pb2.FieldDescriptorProto.TYPE_BYTES
# Message depth upb allows (its default limit, counted from the outermost message), and how deep
# the attributes' KeyValue sits in a request: a blob decoded alone must not go deeper than that.
MAX_DEPTH = 101
SPAN_DEPTH = 4  # ExportTraceServiceRequest > ResourceSpans > ScopeSpans > Span
EVENT_DEPTH = 5  # ... > Span > Span.Event or Span.Link


def _file(module: Any) -> descriptor_pb2.FileDescriptorProto:
    proto = descriptor_pb2.FileDescriptorProto()
    module.DESCRIPTOR.CopyToProto(proto)
    return proto


def _as_bytes(message: descriptor_pb2.DescriptorProto, name: str) -> None:
    (field,) = [f for f in message.field if f.name == name]
    field.type = _BYTES
    field.ClearField("type_name")


def _message(proto: descriptor_pb2.FileDescriptorProto, name: str) -> descriptor_pb2.DescriptorProto:
    (message,) = [m for m in proto.message_type if m.name == name]
    return message


def _blob_list() -> descriptor_pb2.FileDescriptorProto:
    proto = descriptor_pb2.FileDescriptorProto(name="harness/collect/blobs.proto", package="harness.collect")
    proto.syntax = "proto3"
    blobs = proto.message_type.add(name="KeyValueBlobs")  # KeyValueList, its values left as bytes
    blobs.field.add(name="values", number=1, type=_BYTES, label=descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED)
    return proto


def _pool() -> descriptor_pool.DescriptorPool:
    trace = _file(trace_pb2)
    span = _message(trace, "Span")
    _as_bytes(span, "attributes")
    for nested in span.nested_type:  # Event and Link
        _as_bytes(nested, "attributes")
    pool = descriptor_pool.DescriptorPool()
    for proto in (_file(common_pb2), _file(resource_pb2), trace, _file(trace_service_pb2), _blob_list()):
        pool.Add(proto)
    return pool


_POOL = _pool()
Request: Any = message_factory.GetMessageClass(
    _POOL.FindMessageTypeByName("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest")
)
BLOB_LIST: Any = message_factory.GetMessageClass(_POOL.FindMessageTypeByName("harness.collect.KeyValueBlobs"))
